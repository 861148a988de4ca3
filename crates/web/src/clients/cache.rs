//! A moment's memory of public reads (the catalog as anyone sees it), so that a burst of
//! visitors on the same pages costs the catalog one call per page and second, not one per
//! visitor. What a signed-in person owns (cart, orders, data) is never kept here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long an answer is kept: a price or a stock count on a public page may be this old; the
/// cart and the checkout always ask the services.
pub const PUBLIC_READ_TTL: Duration = Duration::from_secs(1);

/// The most answers kept (a search is one per query string).
const MAX_ENTRIES: usize = 1_000;

/// Answers by path, each for [`PUBLIC_READ_TTL`].
#[derive(Debug, Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<String, (Instant, Bytes)>>,
}

impl ReadCache {
    /// The answer kept for `path`, if it is fresh.
    pub fn get(&self, path: &str) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(path)
            .filter(|(at, _)| at.elapsed() < PUBLIC_READ_TTL)
            .map(|(_, body)| body.clone())
    }

    /// Keeps `body` as the answer for `path`.
    pub fn put(&self, path: &str, body: Bytes) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < PUBLIC_READ_TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(path.to_owned(), (Instant::now(), body));
    }

    /// Forgets every answer whose path contains `part` (a product the site just changed).
    pub fn forget(&self, part: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|path, _| !path.contains(part));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_kept_for_a_moment_and_can_be_forgotten() {
        let cache = ReadCache::default();
        assert!(cache.get("/a").is_none());
        cache.put("/a/1", Bytes::from_static(b"one"));
        cache.put("/b", Bytes::from_static(b"two"));
        assert_eq!(cache.get("/a/1").as_deref(), Some(&b"one"[..]));
        cache.forget("/a/");
        assert!(cache.get("/a/1").is_none());
        assert!(cache.get("/b").is_some());
    }

    #[test]
    fn the_cache_never_grows_past_its_bound() {
        let cache = ReadCache::default();
        for n in 0..(MAX_ENTRIES * 3) {
            cache.put(&format!("/p/{n}"), Bytes::from_static(b"x"));
        }
        let size = cache
            .entries
            .lock()
            .map(|entries| entries.len())
            .unwrap_or(0);
        assert!(size <= MAX_ENTRIES, "{size}");
    }
}

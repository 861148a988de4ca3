//! Per-client rate limits, one layer in the standard stack of every process (the embedded
//! shop, each service, the website's process and the gateway). Two kinds of bucket, each a
//! token bucket (governor's GCRA) refilled at its rate up to its burst:
//!
//! - **every request** but health and metrics, per client address;
//! - **guarded actions**, far stricter, one bucket per action and client: registration,
//!   service tokens and an anonymous cart item through the API by client address (they are
//!   anonymous: any header a client makes up must buy nothing); incidents, comments, reviews,
//!   checkout and the website's cart items by the caller's credential (its bearer token or
//!   website session), since many customers may share one address. A made-up credential only
//!   buys a bucket for requests that are then refused as unauthenticated (a website form
//!   without its session's CSRF token is refused too).
//!
//! Over a bucket: 429 with `Retry-After`, a problem document on the API, a short page on the
//! website. The buckets live in the process: with N replicas behind a balancer a client may
//! make up to N times the configured rate (docs/operations.md).

use std::hash::BuildHasher;
use std::hash::RandomState;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::ClientAddress;
use crate::error::ApiError;

/// The website's session cookie, the credential of a signed-in shopper on the site's pages.
pub const SESSION_COOKIE: &str = "tienda_session";

/// How often (in checks) the buckets of clients not seen lately are forgotten.
const PRUNE_EVERY: u64 = 1 << 14;

/// The limits a process enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Requests per second a client address may make on average; 0 turns every limit off.
    pub per_second: u32,
    /// Requests an address may make at once above the average.
    pub burst: u32,
    /// Guarded actions (registration, incidents, comments, reviews, visitor carts, checkout,
    /// service tokens) a client may take per minute, each action its own bucket.
    pub guarded_per_minute: u32,
    /// Guarded actions a client may take at once above the average.
    pub guarded_burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_second: 100,
            burst: 200,
            guarded_per_minute: 20,
            guarded_burst: 10,
        }
    }
}

impl RateLimitConfig {
    /// No limits at all (tests and benchmarks that drive one process from one address).
    pub const OFF: Self = Self {
        per_second: 0,
        burst: 0,
        guarded_per_minute: 0,
        guarded_burst: 0,
    };
}

/// An action with a bucket of its own, stricter than the one every request takes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Guarded {
    Registration,
    ServiceToken,
    /// An item put in a cart through the API without signing in: it may make a cart (an unknown
    /// cart token makes one too), so it counts by address.
    VisitorCart,
    /// An item put in a cart on the website: per session (a form needs the session's CSRF
    /// token, so a bot pays a page for each new session, under the address's limit), so that
    /// shoppers behind one address do not share a bucket.
    SiteCart,
    Incident,
    Comment,
    Review,
    Checkout,
}

impl Guarded {
    /// The guarded action `method` and `path` take, if any: the API's routes and the website's
    /// forms that lead to them.
    fn of(method: &Method, path: &str, signed_in: bool) -> Option<Self> {
        if method != Method::POST {
            return None;
        }
        let path = path.strip_suffix('/').unwrap_or(path);
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        match segments.as_slice() {
            ["api", "identity", "register"] | ["register"] => Some(Self::Registration),
            ["api", "identity", "service-tokens"] => Some(Self::ServiceToken),
            ["api", "orders", "cart", "items"] if !signed_in => Some(Self::VisitorCart),
            ["cart", "items"] => Some(Self::SiteCart),
            ["api", "support", "incidents"] | ["account", "incidents"] => Some(Self::Incident),
            ["api", "support", "incidents", _, "comments"]
            | ["account" | "admin", "incidents", _, "comments"] => Some(Self::Comment),
            ["api", "catalog", "products", _, "reviews"] | ["products", _, "reviews"] => {
                Some(Self::Review)
            }
            ["api", "orders", "checkout"] | ["checkout"] => Some(Self::Checkout),
            _ => None,
        }
    }

    /// Whether the action is anonymous, so that only the address can say who takes it.
    fn by_address(self) -> bool {
        matches!(
            self,
            Self::Registration | Self::ServiceToken | Self::VisitorCart
        )
    }
}

/// Who a bucket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    /// A credential (bearer token or session cookie), by a keyed hash of it.
    Credential(u64),
}

/// The buckets of one process.
pub(crate) struct RateLimits {
    every: DefaultKeyedRateLimiter<IpAddr>,
    guarded: Option<DefaultKeyedRateLimiter<(Guarded, Client)>>,
    clock: DefaultClock,
    hasher: RandomState,
    checks: AtomicU64,
}

impl RateLimits {
    /// The buckets for `config`, or `None` when limits are off.
    pub(crate) fn new(config: RateLimitConfig) -> Option<Self> {
        let per_second = NonZeroU32::new(config.per_second)?;
        let burst = NonZeroU32::new(config.burst).unwrap_or(per_second);
        let guarded = NonZeroU32::new(config.guarded_per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(config.guarded_burst).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst))
        });
        Some(Self {
            every: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            guarded,
            clock: DefaultClock::default(),
            hasher: RandomState::new(),
            checks: AtomicU64::new(0),
        })
    }

    /// Takes the request's tokens, or answers the refusal to send instead of serving it.
    pub(crate) fn check(&self, request: &Request) -> Option<Response> {
        let path = request.uri().path();
        if path == "/metrics" || path.starts_with("/health/") {
            return None;
        }
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune();
        }
        let address = request
            .extensions()
            .get::<ClientAddress>()
            .and_then(|address| address.0)
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let headers = request.headers();
        let refused = |not_until: governor::NotUntil<_>| {
            let wait = not_until.wait_time_from(self.clock.now());
            Some(too_many(
                path,
                headers,
                wait.as_secs_f64().ceil().max(1.0) as u64,
            ))
        };
        if let Err(not_until) = self.every.check_key(&address) {
            return refused(not_until);
        }
        let guarded = self.guarded.as_ref()?;
        let action = Guarded::of(
            request.method(),
            path,
            headers.contains_key(header::AUTHORIZATION),
        )?;
        let credential = (!action.by_address())
            .then(|| credential(headers))
            .flatten()
            .map(|value| Client::Credential(self.hasher.hash_one(value)));
        let client = credential.unwrap_or(Client::Address(address));
        guarded.check_key(&(action, client)).err().and_then(refused)
    }

    /// Forgets the buckets that are full again, so that memory follows the clients of the last
    /// moments, not all clients ever.
    fn prune(&self) {
        self.every.retain_recent();
        self.every.shrink_to_fit();
        if let Some(guarded) = &self.guarded {
            guarded.retain_recent();
            guarded.shrink_to_fit();
        }
    }
}

/// The caller's credential: its bearer token, or else its website session cookie.
fn credential(headers: &axum::http::HeaderMap) -> Option<&[u8]> {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        return Some(authorization.as_bytes());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .and_then(|cookie| cookie.value_raw())
        .map(str::as_bytes)
}

/// The 429 answer: a problem document on the API's paths, a short page on the website's (in
/// Spanish when the browser asks for it first, as the site would be).
fn too_many(path: &str, headers: &axum::http::HeaderMap, retry_after_secs: u64) -> Response {
    if super::stack::is_api_path(path) {
        return ApiError::TooManyRequests { retry_after_secs }.into_response();
    }
    let spanish = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("es"));
    let (lang, title, wait) = if spanish {
        (
            "es",
            "Demasiadas peticiones",
            format!("Espera {retry_after_secs} s y vuelve a intentarlo."),
        )
    } else {
        (
            "en",
            "Too many requests",
            format!("Please wait {retry_after_secs} s and try again."),
        )
    };
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><main><h1>{title}</h1><p>{wait}</p></main></html>"
    );
    let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::Guarded;
    use axum::http::Method;

    #[test]
    fn the_guarded_actions_are_the_posts_that_make_something() {
        let post = |path: &str| Guarded::of(&Method::POST, path, false);
        assert_eq!(post("/api/identity/register"), Some(Guarded::Registration));
        assert_eq!(post("/register"), Some(Guarded::Registration));
        assert_eq!(
            post("/api/identity/service-tokens"),
            Some(Guarded::ServiceToken)
        );
        assert_eq!(post("/api/orders/cart/items"), Some(Guarded::VisitorCart));
        assert_eq!(post("/cart/items"), Some(Guarded::SiteCart));
        assert_eq!(
            Guarded::of(&Method::POST, "/api/orders/cart/items", true),
            None
        );
        assert_eq!(post("/api/support/incidents"), Some(Guarded::Incident));
        assert_eq!(post("/account/incidents/"), Some(Guarded::Incident));
        assert_eq!(
            post("/api/support/incidents/x/comments"),
            Some(Guarded::Comment)
        );
        assert_eq!(post("/admin/incidents/x/comments"), Some(Guarded::Comment));
        assert_eq!(
            post("/api/catalog/products/x/reviews"),
            Some(Guarded::Review)
        );
        assert_eq!(post("/products/x/reviews"), Some(Guarded::Review));
        assert_eq!(post("/api/orders/checkout"), Some(Guarded::Checkout));
        assert_eq!(post("/checkout"), Some(Guarded::Checkout));
        for path in [
            "/api/identity/login",
            "/api/support/incidents/x",
            "/products/x",
        ] {
            assert_eq!(post(path), None, "{path}");
        }
        assert_eq!(Guarded::of(&Method::GET, "/register", false), None);
    }
}

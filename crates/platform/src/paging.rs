//! Cursor paging: `?limit=&cursor=`, answered with `{ "items": [...], "next_cursor": ... }`.
//!
//! A cursor is the sort key of the last item returned, base64url-encoded so clients treat it as
//! opaque. Keyset paging (not offsets) keeps walking every item exactly once while items are
//! added.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Items a page holds when the client does not say.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most items a page may hold.
pub const MAX_LIMIT: u32 = 100;

/// The paging part of a list query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// Where to continue: the `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The validated page size.
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(ApiError::invalid(
                "limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The decoded cursor, if any.
    pub fn cursor(&self) -> Result<Option<String>, ApiError> {
        self.cursor
            .as_deref()
            .map(|cursor| {
                URL_SAFE_NO_PAD
                    .decode(cursor)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    // Not ours, and PostgreSQL refuses NUL in text: never send it a query.
                    .filter(|cursor| !cursor.chars().any(char::is_control))
                    .ok_or_else(forged_cursor)
            })
            .transpose()
    }
}

impl PageParams {
    /// The cursor as an id, for lists ordered by id (UUIDv7, so by creation).
    pub fn after_id(&self) -> Result<Option<uuid::Uuid>, ApiError> {
        self.cursor()?
            .map(|cursor| uuid::Uuid::parse_str(&cursor).map_err(|_| forged_cursor()))
            .transpose()
    }
}

/// The error for a cursor this service did not issue.
pub fn forged_cursor() -> ApiError {
    ApiError::invalid("cursor", "invalid", "this cursor was not issued here")
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows: the extra row only tells that there
    /// is more, and the cursor is the key of the last item kept.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if has_more {
            rows.last().map(|last| URL_SAFE_NO_PAD.encode(key(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
    /// The same page with each item turned into another (a row into its view).
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(convert).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_bounded() {
        let params = |limit| PageParams {
            limit,
            cursor: None,
        };
        assert_eq!(params(None).limit().ok(), Some(DEFAULT_LIMIT));
        assert_eq!(params(Some(100)).limit().ok(), Some(100));
        assert!(params(Some(0)).limit().is_err());
        assert!(params(Some(101)).limit().is_err());
    }

    #[test]
    fn a_page_cursor_round_trips_and_only_when_there_is_more() {
        let page = Page::from_rows(vec!["a", "b", "c"], 2, |s| (*s).to_owned());
        assert_eq!(page.items, vec!["a", "b"]);
        let params = PageParams {
            limit: None,
            cursor: page.next_cursor,
        };
        assert_eq!(params.cursor().ok().flatten().as_deref(), Some("b"));
        let last = Page::from_rows(vec!["a"], 2, |s| (*s).to_owned());
        assert!(last.next_cursor.is_none());
        let forged = PageParams {
            limit: None,
            cursor: Some("%%%".into()),
        };
        assert!(forged.cursor().is_err());
        let not_an_id = PageParams {
            limit: None,
            cursor: Some(URL_SAFE_NO_PAD.encode("b")),
        };
        assert!(not_an_id.after_id().is_err());
    }
}

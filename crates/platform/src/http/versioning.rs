//! Optimistic concurrency: a mutable resource has an integer version, sent as its `ETag`; a
//! write may send `If-Match` with the version it read, and gets 412 when the resource has
//! changed since.

use axum::extract::FromRequestParts;
use axum::http::header::{ETAG, IF_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};

use crate::error::ApiError;

/// The `ETag` header for a version: a strong tag, `"7"`.
pub fn etag(version: i64) -> (HeaderName, HeaderValue) {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    (ETAG, value)
}

/// The versions an `If-Match` header accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IfMatch {
    /// No header: the write applies to whatever is current.
    #[default]
    Absent,
    /// `*`: any current version.
    Any,
    /// One or more tags; the write applies only if the current version is among them.
    Versions(Vec<i64>),
}

impl IfMatch {
    /// Parses the header; tags that are not our versions match nothing.
    pub fn parse(value: &str) -> Self {
        if value.trim() == "*" {
            return IfMatch::Any;
        }
        IfMatch::Versions(
            value
                .split(',')
                .filter_map(|tag| {
                    let tag = tag.trim();
                    // Weak tags never match in If-Match (RFC 9110, strong comparison).
                    tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
                })
                .collect(),
        )
    }

    /// 412 unless the current version is one the client named.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        match self {
            IfMatch::Absent | IfMatch::Any => Ok(()),
            IfMatch::Versions(versions) if versions.contains(&current) => Ok(()),
            IfMatch::Versions(_) => Err(ApiError::PreconditionFailed),
        }
    }

    /// The one version the client named, for a guarded `UPDATE ... WHERE version = $n`.
    pub fn expected(&self) -> Option<i64> {
        match self {
            IfMatch::Versions(versions) if versions.len() == 1 => versions.first().copied(),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(IF_MATCH) {
            None => Ok(IfMatch::Absent),
            Some(value) => value
                .to_str()
                .map(IfMatch::parse)
                .map_err(|_| ApiError::BadRequest("If-Match is not text.".to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_strong_tags_only() {
        assert!(IfMatch::parse("\"3\"").check(3).is_ok());
        assert!(IfMatch::parse("\"2\", \"3\"").check(3).is_ok());
        assert!(IfMatch::parse("\"2\"").check(3).is_err());
        assert!(IfMatch::parse("W/\"3\"").check(3).is_err());
        assert!(IfMatch::parse("*").check(3).is_ok());
        assert!(IfMatch::Absent.check(3).is_ok());
        assert!(IfMatch::parse("garbage").check(3).is_err());
        assert_eq!(IfMatch::parse("\"4\"").expected(), Some(4));
    }
}

//! Request ids: propagated from `x-request-id` when the caller sends a sane one, generated
//! (UUIDv7) otherwise, echoed on the response and recorded on the request's tracing span.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};

/// The header that carries the request id across services.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id accepted from a caller; longer ones are replaced.
const MAX_INCOMING_LENGTH: usize = 128;

tokio::task_local! {
    /// The request id of the work this task is doing: set around each request's handling and
    /// each event's, read when an event is written, so the event carries it onward.
    static CURRENT: String;
}

/// The request id of the request or event being handled on this task, if any.
pub fn current_request_id() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Runs `work` with `id` as its request id.
pub async fn with_request_id<F: std::future::Future>(id: Option<String>, work: F) -> F::Output {
    match id {
        Some(id) => CURRENT.scope(id, work).await,
        None => work.await,
    }
}

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(String::from("unknown"))))
    }
}

fn is_acceptable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_INCOMING_LENGTH
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Settles the request id (the caller's when sane, a new one otherwise) and stores it in the
/// request's extensions and header; answers it with its header value, for the response.
pub(crate) fn settle_request_id(request: &mut Request) -> Option<(String, HeaderValue)> {
    let id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_acceptable(value))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let value = HeaderValue::from_str(&id).ok()?;
    request
        .headers_mut()
        .insert(REQUEST_ID_HEADER, value.clone());
    request.extensions_mut().insert(RequestId(id.clone()));
    Some((id, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_callers() {
        assert!(is_acceptable("0190f5d2-7c1a-7cc4-9a8e-1c2f3b4d5e6f"));
        assert!(is_acceptable("trace:abc.def_1"));
        assert!(!is_acceptable(""));
        assert!(!is_acceptable("has space"));
        assert!(!is_acceptable("new\nline"));
        assert!(!is_acceptable(&"x".repeat(129)));
    }
}

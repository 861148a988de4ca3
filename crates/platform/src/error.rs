//! The error every HTTP handler returns, rendered as an RFC 9457 `application/problem+json`
//! document.
//!
//! Policy: services define their own `thiserror` enums for errors a caller matches on, and map
//! them into [`ApiError`] in one `From` impl at their HTTP edge. Anything unexpected travels as
//! [`ApiError::Internal`] carrying an `anyhow::Error` with context; it is logged with its cause
//! and the client sees a bare 500 that shows no internals.

use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request body or query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`email`, `lines[2].quantity`).
    pub field: String,
    /// A stable machine-readable code (`too_short`, `invalid`, `weak`, ...).
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl FieldError {
    /// A field error from its three parts.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document, as sent to clients.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For validation problems: every invalid field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For duplicates: the path of the record that already exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
    /// For conflicts that come with data (the lines short of stock, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// Every way an HTTP request can fail, named by meaning.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be parsed (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No credentials, or credentials that do not verify (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Authenticated but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// Absent, or not visible to this caller (404).
    #[error("not found")]
    NotFound,
    /// The route exists, but not with this method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Duplicate or illegal state change (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A conflict that comes with data for the client (409), as the problem's `details`, with
    /// its own problem type `urn:tienda:problem:<kind>`.
    #[error("conflict: {detail}")]
    ConflictDetails {
        /// The problem type's last part, e.g. `insufficient-stock`.
        kind: &'static str,
        /// What happened.
        detail: String,
        /// The data.
        details: serde_json::Value,
    },
    /// The payment was refused (402); `details` says what the caller needs to act on it.
    #[error("payment declined: {detail}")]
    PaymentDeclined {
        /// What happened, for a person.
        detail: String,
        /// Structured details (the order, the decline code).
        details: serde_json::Value,
    },
    /// A record with the same unique key exists already (409); the problem points to it.
    #[error("duplicate: {detail}")]
    Duplicate {
        /// What is duplicated.
        detail: String,
        /// The path of the existing record.
        existing: String,
    },
    /// `If-Match` named a version that is no longer current (412).
    #[error("precondition failed")]
    PreconditionFailed,
    /// The body is over the size limit (413).
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body is not JSON (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body parsed but its values are invalid (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Too many attempts; try again after the given seconds (429).
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// A dependency or a bounded queue cannot take the request now (503).
    #[error("service unavailable: {reason}")]
    Unavailable {
        /// What is unavailable, for the client.
        reason: String,
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// The request took longer than the configured timeout (503).
    #[error("request timed out")]
    Timeout,
    /// Anything unexpected: logged with its cause, shown as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A validation failure on one field.
    pub fn invalid(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The status code this error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_)
            | ApiError::ConflictDetails { .. }
            | ApiError::Duplicate { .. } => StatusCode::CONFLICT,
            ApiError::PaymentDeclined { .. } => StatusCode::PAYMENT_REQUIRED,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } | ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document for this error. Internal errors say nothing about their cause.
    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        let (kind, detail, errors) = match self {
            ApiError::BadRequest(detail) => ("bad-request", Some(detail.clone()), vec![]),
            ApiError::Unauthorized(detail) => ("unauthorized", Some(detail.clone()), vec![]),
            ApiError::Forbidden => (
                "forbidden",
                Some("You are not allowed to do this.".to_owned()),
                vec![],
            ),
            ApiError::NotFound => (
                "not-found",
                Some("There is nothing here, or it is not yours to see.".to_owned()),
                vec![],
            ),
            ApiError::MethodNotAllowed => (
                "method-not-allowed",
                Some("This resource does not support that method.".to_owned()),
                vec![],
            ),
            ApiError::Conflict(detail) => ("conflict", Some(detail.clone()), vec![]),
            ApiError::ConflictDetails { kind, detail, .. } => (*kind, Some(detail.clone()), vec![]),
            ApiError::Duplicate { detail, .. } => ("duplicate", Some(detail.clone()), vec![]),
            ApiError::PaymentDeclined { detail, .. } => {
                ("payment-declined", Some(detail.clone()), vec![])
            }
            ApiError::PreconditionFailed => (
                "precondition-failed",
                Some("The resource changed since you read it; read it again.".to_owned()),
                vec![],
            ),
            ApiError::PayloadTooLarge => (
                "payload-too-large",
                Some("The request body is larger than this service accepts.".to_owned()),
                vec![],
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                Some("Send the body as `Content-Type: application/json`.".to_owned()),
                vec![],
            ),
            ApiError::Validation(errors) => (
                "validation",
                Some("Some fields are invalid.".to_owned()),
                errors.clone(),
            ),
            ApiError::TooManyRequests { retry_after_secs } => (
                "too-many-requests",
                Some(format!("Too many attempts; retry in {retry_after_secs} s.")),
                vec![],
            ),
            ApiError::Unavailable { reason, .. } => ("unavailable", Some(reason.clone()), vec![]),
            ApiError::Timeout => (
                "timeout",
                Some("The request took too long and was abandoned.".to_owned()),
                vec![],
            ),
            ApiError::Internal(_) => ("internal", None, vec![]),
        };
        Problem {
            kind: format!("urn:tienda:problem:{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            existing: match self {
                ApiError::Duplicate { existing, .. } => Some(existing.clone()),
                _ => None,
            },
            details: match self {
                ApiError::ConflictDetails { details, .. }
                | ApiError::PaymentDeclined { details, .. } => Some(details.clone()),
                _ => None,
            },
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let mut response = problem_response(&self.to_problem());
        if matches!(self, ApiError::Unauthorized(_)) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        response
    }
}

/// Renders a problem document with its status and media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&error) {
            return ApiError::Unavailable {
                reason: "The database is unavailable.".to_owned(),
                retry_after_secs: 1,
            };
        }
        ApiError::Internal(anyhow::Error::new(error).context("database query failed"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.title)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_shows_no_cause() {
        let error = ApiError::Internal(anyhow::anyhow!("password=hunter2 in connection string"));
        let problem = error.to_problem();
        assert_eq!(problem.status, 500);
        assert!(problem.detail.is_none());
        let json = serde_json::to_string(&problem).unwrap_or_default();
        assert!(!json.contains("hunter2"));
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let response = ApiError::TooManyRequests {
            retry_after_secs: 30,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from(30u64))
        );
    }
}

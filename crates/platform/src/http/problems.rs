//! The problem answers of the API document, written once: a handler's `#[utoipa::path]` lists
//! them by name (`responses((status = 200, ...), Unauthorized, NotFound)`), and each stands for
//! an `application/problem+json` answer with the [`Problem`] schema. Where a status needs words
//! of its own (what a 409 conflicts with), the handler writes that response out instead.

use utoipa::IntoResponses;

use crate::error::Problem;

/// 400: the request is malformed.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "Malformed request",
    content_type = "application/problem+json"
)]
pub struct BadRequest(#[expect(dead_code, reason = "documentation only")] Problem);

/// 401: no valid access token.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No valid access token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(#[expect(dead_code, reason = "documentation only")] Problem);

/// 403: the caller may not do this.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not allowed for this caller",
    content_type = "application/problem+json"
)]
pub struct Forbidden(#[expect(dead_code, reason = "documentation only")] Problem);

/// 404: no such thing, or not the caller's to see.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "Not found, or not the caller's to see",
    content_type = "application/problem+json"
)]
pub struct NotFound(#[expect(dead_code, reason = "documentation only")] Problem);

/// 412: `If-Match` names an old version.
#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "If-Match names an old version",
    content_type = "application/problem+json"
)]
pub struct Stale(#[expect(dead_code, reason = "documentation only")] Problem);

/// 422: fields that do not validate, each named in `errors`.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid fields, each named in `errors`",
    content_type = "application/problem+json"
)]
pub struct Invalid(#[expect(dead_code, reason = "documentation only")] Problem);

/// 429: too many attempts; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Too many attempts; see Retry-After",
    content_type = "application/problem+json"
)]
pub struct TooManyRequests(#[expect(dead_code, reason = "documentation only")] Problem);

/// 503: a service this request needs is unavailable; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "A service it needs is unavailable; see Retry-After",
    content_type = "application/problem+json"
)]
pub struct Unavailable(#[expect(dead_code, reason = "documentation only")] Problem);

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
    description = "Too many requests or attempts; see Retry-After",
    content_type = "application/problem+json"
)]
pub struct TooManyRequests(#[expect(dead_code, reason = "documentation only")] Problem);

/// 503: a service this request needs is unavailable; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "Unavailable, or it took too long; see Retry-After",
    content_type = "application/problem+json"
)]
pub struct Unavailable(#[expect(dead_code, reason = "documentation only")] Problem);

/// 413: the body is over the size limit.
#[derive(IntoResponses)]
#[response(
    status = 413,
    description = "Body over the size limit",
    content_type = "application/problem+json"
)]
pub struct PayloadTooLarge(#[expect(dead_code, reason = "documentation only")] Problem);

/// 415: the body is not JSON.
#[derive(IntoResponses)]
#[response(
    status = 415,
    description = "Body not sent as JSON",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(#[expect(dead_code, reason = "documentation only")] Problem);

/// Adds to every operation of `document` the problem answers the standard stack itself gives,
/// whatever the handler: 429 (rate limits) and 503 (timeout) everywhere, with `Retry-After`;
/// 401 where a bearer token is asked for; 404 where the path holds an id (one that is not an
/// id is not found); 400, 413 and 415 where a JSON body is read. A handler that documents one
/// of these with words of its own keeps them.
pub fn complete(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::Operation;
    let retry_after = || {
        let mut header = utoipa::openapi::header::Header::new(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Integer)
                .minimum(Some(1)),
        );
        header.description = Some("Seconds to wait before trying again".to_owned());
        header
    };
    let add = |operation: &mut Operation, path: &str| {
        // utoipa keeps a requirement's scheme names private; its JSON form names them.
        let bearer = operation.security.as_ref().is_some_and(|requirements| {
            serde_json::to_value(requirements)
                .is_ok_and(|value| value.to_string().contains("\"bearer\""))
        });
        let mut answers = vec![TooManyRequests::responses(), Unavailable::responses()];
        if bearer {
            answers.push(Unauthorized::responses());
        }
        if path.contains('{') {
            answers.push(NotFound::responses());
        }
        if operation.request_body.is_some() {
            answers.push(BadRequest::responses());
            answers.push(PayloadTooLarge::responses());
            answers.push(UnsupportedMediaType::responses());
        }
        for (status, response) in answers.into_iter().flatten() {
            let retry = status == "429" || status == "503";
            let kept = operation
                .responses
                .responses
                .entry(status)
                .or_insert(response);
            // Ours and a handler's own 429 or 503 alike say when to retry.
            if let (RefOr::T(kept), true) = (kept, retry) {
                kept.headers
                    .entry("Retry-After".to_owned())
                    .or_insert_with(retry_after);
            }
        }
    };
    for (path, item) in &mut document.paths.paths {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add(operation, path);
        }
    }
}

//! A JSON body extractor whose every rejection is a problem document with the right status:
//! 400 for malformed JSON, 415 for a body that is not `application/json` in UTF-8, 413 for one
//! over the size limit, 422 for JSON of the wrong shape (including unknown fields, where the
//! type denies them).
//!
//! Shape errors name the field through `serde_path_to_error`, which tracks where the
//! deserializer was (`lines[1].quantity`), rather than by reading serde's message text.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// `axum::Json`, with rejections turned into [`ApiError`]s.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest("The body could not be read.".to_owned())
                }
            })?;
        from_json_bytes(&bytes).map(Json)
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json`, in UTF-8 (RFC 8259): with no parameter or `charset=utf-8`. Another
/// charset, or a JSON-based type the route does not speak (`application/vnd.api+json`), is 415
/// rather than a guess.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(Ok(content_type)) = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str())
    else {
        return false;
    };
    let mut parts = content_type.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    essence.eq_ignore_ascii_case("application/json")
        && parts.filter(|part| !part.is_empty()).all(|parameter| {
            parameter.split_once('=').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("charset")
                    && value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            })
        })
}

/// Reads a typed value out of a JSON body.
fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(path_error)?;
    deserializer
        .end()
        .map_err(|error| ApiError::BadRequest(format!("The body is not valid JSON: {error}")))?;
    Ok(value)
}

/// Reads a typed body out of JSON already parsed (a handler that needs the raw JSON too, as
/// for idempotency fingerprints); shape errors are 422 naming the field.
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(path_error)
}

fn path_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => ApiError::Validation(vec![field_error(&path, &inner)]),
        serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof
        | serde_json::error::Category::Io => {
            ApiError::BadRequest(format!("The body is not valid JSON: {inner}"))
        }
    }
}

/// The field error of a shape error at `path` (`.` for the top level). The path of an unknown
/// field is the field itself; a missing field is reported at the object that lacks it, so its
/// name is added to the path.
fn field_error(path: &str, error: &serde_json::Error) -> FieldError {
    let text = error.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(message, _)| message);
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "required"
    } else {
        "invalid"
    };
    let object = (path != ".").then_some(path);
    let field = match (code, backticked(message)) {
        ("required", Some(name)) => match object {
            Some(object) => format!("{object}.{name}"),
            None => name,
        },
        _ => object.unwrap_or("body").to_owned(),
    };
    FieldError::new(field, code, message)
}

/// The name between the first pair of backticks of a serde message.
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Line {
        product: String,
        quantity: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Order {
        email: String,
        lines: Vec<Line>,
    }

    fn field(body: &str) -> FieldError {
        match from_json_bytes::<Order>(body.as_bytes()) {
            Err(ApiError::Validation(mut fields)) if fields.len() == 1 => fields.remove(0),
            other => panic!("expected one field error, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_field_is_named() {
        let error = field(r#"{"email": "a@b.c", "lines": [], "role": "admin"}"#);
        assert_eq!(
            (error.field.as_str(), error.code.as_str()),
            ("role", "unknown_field")
        );
    }

    #[test]
    fn a_missing_field_is_named_with_its_object() {
        assert_eq!(field(r#"{"lines": []}"#).field, "email");
        let nested = field(r#"{"email": "a@b.c", "lines": [{"product": "p"}]}"#);
        assert_eq!(
            (nested.field.as_str(), nested.code.as_str()),
            ("lines[0].quantity", "required")
        );
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let error = field(r#"{"email": "a@b.c", "lines": [{"product": "p", "quantity": -1}]}"#);
        assert_eq!(
            (error.field.as_str(), error.code.as_str()),
            ("lines[0].quantity", "invalid")
        );
        assert!(
            error.message.starts_with("invalid value: integer `-1`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn malformed_json_and_trailing_text_are_bad_requests() {
        for body in [r#"{"email": "#, r#"{"email": "a", "lines": []} x"#] {
            assert!(matches!(
                from_json_bytes::<Order>(body.as_bytes()),
                Err(ApiError::BadRequest(_))
            ));
        }
    }

    #[test]
    fn json_content_types_are_recognised() {
        let headers = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static(value),
            );
            headers
        };
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("Application/JSON; charset=UTF-8")));
        assert!(!is_json(&headers("application/json; charset=latin1")));
        assert!(!is_json(&headers("application/vnd.api+json")));
        assert!(!is_json(&headers("application/json; boundary=x")));
        assert!(!is_json(&headers("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
    }
}

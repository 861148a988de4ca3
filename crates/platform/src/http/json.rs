//! A JSON body extractor whose every rejection is a problem document with the right status:
//! 400 for malformed JSON, 415 for a body that is not JSON, 413 for one over the size limit,
//! 422 for JSON of the wrong shape (including unknown fields, where the type denies them).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
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
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Reads a typed body out of JSON already parsed (a handler that needs the raw JSON too, as
/// for idempotency fingerprints); shape errors are 422 naming the field where serde says it.
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|error| ApiError::Validation(vec![data_error_to_field(&error.to_string())]))
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
        JsonRejection::JsonSyntaxError(error) => {
            ApiError::BadRequest(format!("The body is not valid JSON: {}", error.body_text()))
        }
        JsonRejection::JsonDataError(error) => {
            ApiError::Validation(vec![data_error_to_field(&error.body_text())])
        }
        JsonRejection::BytesRejection(error) => {
            if error.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest("The body could not be read.".to_owned())
            }
        }
        other => ApiError::BadRequest(other.body_text()),
    }
}

/// serde reports a shape error as "Failed to deserialize the JSON body into the target type:
/// PATH: MESSAGE at line L column C". Pull the path out, so the client sees which field.
fn data_error_to_field(text: &str) -> FieldError {
    let detail = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    // "PATH: MESSAGE" when serde knows where; a path has no spaces.
    let (path, message) = match detail.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (Some(path), message),
        _ => (None, detail),
    };
    let message = message
        .rsplit_once(" at line ")
        .map_or(message, |(message, _)| message);
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "required"
    } else {
        "invalid"
    };
    // A missing or unknown field is named in the message; for the rest, the path says where.
    let named = matches!(code, "unknown_field" | "required")
        .then(|| backticked(message))
        .flatten();
    let field = named
        .or(path.map(str::to_owned))
        .or_else(|| backticked(message))
        .unwrap_or_else(|| "body".to_owned());
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
    use super::*;

    #[test]
    fn an_unknown_field_is_named() {
        let field = data_error_to_field(
            "Failed to deserialize the JSON body into the target type: unknown field `role`, \
             expected one of `email`, `password` at line 1 column 7",
        );
        assert_eq!(field.field, "role");
        assert_eq!(field.code, "unknown_field");
    }

    #[test]
    fn a_missing_field_is_named() {
        let field = data_error_to_field(
            "Failed to deserialize the JSON body into the target type: missing field `email` at \
             line 1 column 2",
        );
        assert_eq!(field.field, "email");
        assert_eq!(field.code, "required");
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let field = data_error_to_field(
            "Failed to deserialize the JSON body into the target type: email: invalid type: \
             integer `3`, expected a string at line 1 column 10",
        );
        assert_eq!(field.field, "email");
        assert_eq!(field.code, "invalid");
        assert_eq!(
            field.message,
            "invalid type: integer `3`, expected a string"
        );
    }
}

//! The customers service's errors as HTTP answers: the one place its errors meet status codes
//! and problem documents.

use platform::ApiError;

use super::PREFIX;
use crate::app::customers::ACCOUNT_LINKED;
use crate::error::Error;

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => ApiError::Validation(fields),
            Error::NotFound => ApiError::NotFound,
            Error::Forbidden => ApiError::Forbidden,
            Error::DuplicateEmail(existing) => ApiError::Duplicate {
                detail: "A customer with this email already exists.".into(),
                existing: format!("{}/{existing}", PREFIX),
            },
            Error::Duplicate => ApiError::Conflict(ACCOUNT_LINKED.into()),
            Error::Stale => ApiError::PreconditionFailed,
            Error::Conflict(detail) => ApiError::Conflict(detail),
            Error::Database(error) => ApiError::from(error),
            Error::Internal(error) => ApiError::Internal(error),
        }
    }
}

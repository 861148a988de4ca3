//! The catalog's errors, named by meaning, and their one mapping to HTTP.

use platform::{ApiError, FieldError};
use uuid::Uuid;

use crate::store::StoreError;

/// Everything the catalog refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid fields.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Absent.
    #[error("not found")]
    NotFound,
    /// Not allowed for this caller.
    #[error("forbidden")]
    Forbidden,
    /// A sibling category has the name (its id, when known).
    #[error("duplicate category name")]
    DuplicateCategory(Option<Uuid>),
    /// `If-Match` named an old version.
    #[error("stale")]
    Stale,
    /// The change is not possible in the current state.
    #[error("{0}")]
    Conflict(String),
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Anything unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// One invalid field.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::DuplicateName(existing) => Error::DuplicateCategory(existing),
            StoreError::UnknownCategory => {
                Error::invalid("category_id", "unknown", "there is no such category")
            }
            StoreError::InUse => Error::Conflict(
                "The category still holds products or categories; move or delete them first."
                    .into(),
            ),
            StoreError::Stale => Error::Conflict(
                "It changed while this request was being applied; read it and retry.".into(),
            ),
            StoreError::Database(error) => Error::Database(error),
            StoreError::Corrupt(error) => Error::Internal(error),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => ApiError::Validation(fields),
            Error::NotFound => ApiError::NotFound,
            Error::Forbidden => ApiError::Forbidden,
            Error::DuplicateCategory(Some(existing)) => ApiError::Duplicate {
                detail: "A category with this name already sits there.".into(),
                existing: format!("{}/categories/{existing}", crate::http::PREFIX),
            },
            Error::DuplicateCategory(None) => {
                ApiError::Conflict("A category with this name already sits there.".into())
            }
            Error::Stale => ApiError::PreconditionFailed,
            Error::Conflict(detail) => ApiError::Conflict(detail),
            Error::Database(error) => ApiError::from(error),
            Error::Internal(error) => ApiError::Internal(error),
        }
    }
}

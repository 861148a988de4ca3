//! Support's errors, named by meaning (`http/error.rs` maps them to HTTP).

use platform::FieldError;

use crate::store::StoreError;

/// Everything the support service refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid fields.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Absent, or not the caller's to see.
    #[error("not found")]
    NotFound,
    /// Not allowed for this role.
    #[error("forbidden")]
    Forbidden,
    /// `If-Match` named an old version.
    #[error("stale")]
    Stale,
    /// Not possible in the current state (an illegal move, a closed incident, ...).
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
    /// A validation failure on one field.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => Error::Conflict(
                "The incident changed while this request was being applied; read it and retry."
                    .into(),
            ),
            StoreError::Database(error) => Error::Database(error),
            StoreError::Corrupt(error) => Error::Internal(error),
        }
    }
}

impl From<platform::auth::Forbidden> for Error {
    fn from(_: platform::auth::Forbidden) -> Self {
        Error::Forbidden
    }
}

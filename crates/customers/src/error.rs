//! Customers' errors, named by meaning (`http/error.rs` maps them to HTTP).

use platform::FieldError;
use uuid::Uuid;

use crate::store::StoreError;

/// Everything the customers service refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid fields.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Absent, or not the caller's to see.
    #[error("not found")]
    NotFound,
    /// Not allowed for this role (when the caller may see the record).
    #[error("forbidden")]
    Forbidden,
    /// The email belongs to another record.
    #[error("duplicate email")]
    DuplicateEmail(Uuid),
    /// A write broke a unique key, not yet told apart:
    /// [`crate::app::customers::explain_duplicate`] does, once the transaction is over.
    #[error("duplicate email or account")]
    Duplicate,
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

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate => Error::Duplicate,
            StoreError::Stale => Error::Conflict(
                "The record changed while this request was being applied; read it and retry."
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

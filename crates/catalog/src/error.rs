//! The catalog's errors, named by meaning (`http/error.rs` maps them to HTTP).

use platform::FieldError;
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
    /// Some lines of a reservation are short of stock: `(product, requested, available)`.
    #[error("insufficient stock")]
    InsufficientStock(Vec<(Uuid, i64, i64)>),
    /// The author reviewed the product already.
    #[error("already reviewed")]
    DuplicateReview {
        /// The product.
        product_id: Uuid,
        /// The existing review, when known.
        review_id: Option<Uuid>,
    },
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
            StoreError::DuplicateOrder => {
                Error::Conflict("The order has a reservation already.".into())
            }
            StoreError::DuplicateReview(_) => {
                Error::Conflict("You reviewed this product already.".into())
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

impl From<platform::auth::Forbidden> for Error {
    fn from(_: platform::auth::Forbidden) -> Self {
        Error::Forbidden
    }
}

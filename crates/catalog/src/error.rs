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
            Error::InsufficientStock(lines) => ApiError::ConflictDetails {
                kind: "insufficient-stock",
                detail: "Some lines are short of stock; nothing was reserved.".into(),
                details: serde_json::json!({
                    "lines": lines.iter().map(|(product, requested, available)| serde_json::json!({
                        "product_id": product,
                        "requested": requested,
                        "available": available,
                    })).collect::<Vec<_>>()
                }),
            },
            Error::DuplicateReview {
                product_id,
                review_id,
            } => match review_id {
                Some(review) => ApiError::Duplicate {
                    detail: "You reviewed this product already; change that review instead.".into(),
                    existing: format!(
                        "{}/products/{product_id}/reviews/{review}",
                        crate::http::PREFIX
                    ),
                },
                None => ApiError::Conflict("You reviewed this product already.".into()),
            },
            Error::Stale => ApiError::PreconditionFailed,
            Error::Conflict(detail) => ApiError::Conflict(detail),
            Error::Database(error) => ApiError::from(error),
            Error::Internal(error) => ApiError::Internal(error),
        }
    }
}

//! The orders service's errors, named by meaning, and their one mapping to HTTP.

use contracts::clients::catalog::ShortLine;
use platform::client::ClientError;
use platform::{ApiError, FieldError};
use uuid::Uuid;

/// Everything the orders service refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid fields.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Absent, or not the caller's.
    #[error("not found")]
    NotFound,
    /// Not allowed for this caller.
    #[error("forbidden")]
    Forbidden,
    /// Lines short of stock: nothing was reserved or charged.
    #[error("insufficient stock")]
    InsufficientStock(Vec<ShortLine>),
    /// Products in the cart the catalog no longer sells.
    #[error("unavailable products")]
    Unavailable(Vec<Uuid>),
    /// The payment was refused; the order records why.
    #[error("payment declined: {reason}")]
    PaymentDeclined {
        /// The order, now `payment_failed`.
        order_id: Uuid,
        /// The provider's code.
        reason: String,
    },
    /// `If-Match` named an old version.
    #[error("stale")]
    Stale,
    /// Not possible in the current state.
    #[error("{0}")]
    Conflict(String),
    /// Another service did not answer.
    #[error(transparent)]
    Dependency(#[from] ClientError),
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

impl From<crate::payments::Unavailable> for Error {
    /// The payment provider did not answer: a dependency is down (503).
    fn from(error: crate::payments::Unavailable) -> Self {
        Error::Dependency(ClientError::Unavailable {
            service: "payment",
            reason: error.0,
        })
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
            Error::InsufficientStock(lines) => ApiError::ConflictDetails {
                kind: "insufficient-stock",
                detail: "Some lines are short of stock; nothing was reserved or charged.".into(),
                details: serde_json::json!({ "lines": lines }),
            },
            Error::Unavailable(products) => ApiError::ConflictDetails {
                kind: "unavailable-products",
                detail: "Some products in the cart are no longer sold; remove them.".into(),
                details: serde_json::json!({ "products": products }),
            },
            Error::PaymentDeclined { order_id, reason } => ApiError::PaymentDeclined {
                detail: format!(
                    "The payment was declined ({reason}); nothing was charged and the stock was let go."
                ),
                details: serde_json::json!({
                    "order_id": order_id,
                    "order": format!("{}/{order_id}", crate::PREFIX),
                    "reason": reason,
                }),
            },
            Error::Stale => ApiError::PreconditionFailed,
            Error::Conflict(detail) => ApiError::Conflict(detail),
            Error::Dependency(error) => error.into(),
            Error::Database(error) => ApiError::from(error),
            Error::Internal(error) => ApiError::Internal(error),
        }
    }
}

//! The orders service's errors, named by meaning (`http/error.rs` maps them to HTTP).

use contracts::clients::catalog::ShortLine;
use platform::FieldError;
use platform::client::ClientError;
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

impl From<crate::clients::payments::Unavailable> for Error {
    /// The payment provider did not answer: a dependency is down (503).
    fn from(error: crate::clients::payments::Unavailable) -> Self {
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

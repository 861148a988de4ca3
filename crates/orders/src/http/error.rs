//! The orders service's errors as HTTP answers: the one place its errors meet status codes
//! and problem documents.

use platform::ApiError;

use super::PREFIX;
use crate::error::Error;

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
                    "order": format!("{}/{order_id}", PREFIX),
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

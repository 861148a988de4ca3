//! The catalog service's errors as HTTP answers: the one place its errors meet status codes
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
            Error::DuplicateCategory(Some(existing)) => ApiError::Duplicate {
                detail: "A category with this name already sits there.".into(),
                existing: format!("{}/categories/{existing}", PREFIX),
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
                    existing: format!("{}/products/{product_id}/reviews/{review}", PREFIX),
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

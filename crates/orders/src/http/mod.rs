//! The orders service's HTTP edge: one file per resource, composed under `/api/orders`.

mod carts;
mod delivery;
mod orders;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use platform::ApiError;
use platform::auth::Caller;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::State;
use crate::carts::{CART_TOKEN_HEADER, Shopper};

/// Where the routes live.
pub const PREFIX: &str = "/api/orders";

/// Every route, with the OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    let routes = OpenApiRouter::new()
        .merge(carts::router())
        .merge(delivery::router())
        .merge(orders::router());
    OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts()
}

/// An amount of money as sent: minor units and an ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyInput {
    /// Minor units (cents).
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl FromRequestParts<State> for Shopper {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Self::Rejection> {
        let caller = if parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            Some(Caller::from_request_parts(parts, state).await?)
        } else {
            None
        };
        let cart_token = match parts.headers.get(CART_TOKEN_HEADER) {
            None => None,
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .map(str::trim)
                    .filter(|token| {
                        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
                    })
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            "X-Cart-Token must be the cart_token this service gave.".to_owned(),
                        )
                    })?
                    .to_ascii_lowercase(),
            ),
        };
        Ok(Shopper { caller, cart_token })
    }
}

//! The orders service's HTTP edge: one file per resource, composed under `/api/orders`.

mod carts;
mod delivery;
mod error;
mod orders;

use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use platform::ApiError;
use platform::auth::Caller;
use utoipa_axum::router::OpenApiRouter;

use crate::State;
use crate::app::carts::{CART_TOKEN_HEADER, Shopper};

/// Where the routes live.
pub const PREFIX: &str = "/api/orders";

/// Every route, with the OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    let routes = OpenApiRouter::new()
        .merge(carts::router())
        .merge(delivery::router())
        .merge(orders::router());
    let (router, openapi) = OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts();
    (router.merge(moved_paths()), openapi)
}

/// Orders lived at `/api/orders/orders/...` until 2026-12; those paths answer 308 to the same
/// path without the repeated `orders` (query kept, method and body kept by the client) for one
/// release. Not in the API document.
fn moved_paths() -> axum::Router {
    async fn moved(uri: Uri) -> Response {
        let old = format!("{PREFIX}/orders");
        let rest = uri.path().strip_prefix(&old).unwrap_or_default();
        let query = uri
            .query()
            .map(|query| format!("?{query}"))
            .unwrap_or_default();
        Redirect::permanent(&format!("{PREFIX}{rest}{query}")).into_response()
    }
    axum::Router::new()
        .route(&format!("{PREFIX}/orders"), any(moved))
        .route(&format!("{PREFIX}/orders/{{*rest}}"), any(moved))
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

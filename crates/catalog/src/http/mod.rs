//! The catalog's HTTP edge: one file per resource, composed under `/api/catalog`.

mod categories;
mod error;
mod products;
mod reviews;
mod stock;

use utoipa_axum::router::OpenApiRouter;

use crate::State;

/// Where the routes live.
pub const PREFIX: &str = "/api/catalog";

/// Every route, with the OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    let routes = OpenApiRouter::new()
        .merge(categories::router())
        .merge(products::router())
        .merge(stock::router())
        .merge(reviews::router());
    OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts()
}

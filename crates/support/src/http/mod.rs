//! Support's HTTP edge: one file per resource, composed under `/api/support`.

mod agents;
mod conversation;
mod error;
mod incidents;

use utoipa_axum::router::OpenApiRouter;

use crate::State;

/// Where the routes live.
pub const PREFIX: &str = "/api/support";

/// Every route, with the OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    let routes = OpenApiRouter::new()
        .merge(incidents::router())
        .merge(conversation::router())
        .merge(agents::router())
        .merge(platform::events::dead_letters::router(
            state.database.clone(),
            state.verifier.clone(),
        ));
    OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts()
}

//! `/agents`.

use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Staff};
use platform::http::problems::{Forbidden, NotFound};
use platform::http::{IdPath, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::State;
use crate::app::agents::{self, AgentChange};
use crate::app::views::AgentView;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_agents))
        .routes(routes!(update_agent))
}

/// The agents support knows (staff). An agent is known from its first call to support.
#[utoipa::path(
    get, path = "/agents", tag = "support", security(("bearer" = [])),
    responses(
        (status = 200, description = "The agents, by name", body = Vec<AgentView>),
        Forbidden,
    )
)]
async fn list_agents(state: State, caller: Caller) -> Result<Json<Vec<AgentView>>, ApiError> {
    Ok(Json(
        agents::list(&state, &caller)
            .await?
            .into_iter()
            .map(AgentView::from)
            .collect(),
    ))
}

/// Change an agent's display name or availability (administrators).
#[utoipa::path(
    patch, path = "/agents/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The agent's user id")),
    request_body = AgentChange,
    responses(
        (status = 200, description = "The agent", body = AgentView),
        Forbidden, NotFound,
    )
)]
async fn update_agent(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath(id): IdPath<uuid::Uuid>,
    Json(body): Json<AgentChange>,
) -> Result<Json<AgentView>, ApiError> {
    Ok(Json(
        agents::update(&state, &caller, id, body).await?.into(),
    ))
}

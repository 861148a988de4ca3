//! `/incidents/{id}/comments` and `/incidents/{id}/history`.

use platform::ApiError;
use platform::auth::Caller;
use platform::error::Problem;
use platform::http::problems::{Invalid, NotFound};
use platform::http::{Created, IdPath, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::State;
use crate::app::conversation::{self, NewComment};
use crate::app::views::EventView;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(add_comment))
        .routes(routes!(history))
}

/// Reply, or (staff) write an internal note. Staff's first public reply opens a `new` incident;
/// a customer's reply reopens a `pending` one, or a `resolved` one within the reopen window.
#[utoipa::path(
    post, path = "/incidents/{id}/comments", tag = "support", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The incident id")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Added", body = EventView),
        (status = 409, description = "Closed or merged", body = Problem, content_type = "application/problem+json"),
        NotFound, Invalid,
    )
)]
async fn add_comment(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
    Json(body): Json<NewComment>,
) -> Result<Created<EventView>, ApiError> {
    let (_, comment) = conversation::comment(&state, &caller, id, body).await?;
    Ok(Created::new(comment.into()))
}

/// Everything that happened to an incident, oldest first; customers never see internal notes.
#[utoipa::path(
    get, path = "/incidents/{id}/history", tag = "support", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The incident id")),
    responses(
        (status = 200, description = "The history", body = Vec<EventView>),
        NotFound,
    )
)]
async fn history(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let events = conversation::history(&state, &caller, id).await?;
    Ok(Json(events.into_iter().map(EventView::from).collect()))
}

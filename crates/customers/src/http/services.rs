//! `/api/customers/{id}/services`: what a customer has contracted.

use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Staff};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale};
use platform::http::{Created, IdPath, IfMatch, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ServiceView;
use crate::State;
use crate::app::services::{self, NewService, ServiceChange};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_services, add_service))
        .routes(routes!(update_service))
}

/// A customer's services with their status histories (staff, or the customer itself).
#[utoipa::path(
    get, path = "/{id}/services", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer id")),
    responses(
        (status = 200, description = "The services, oldest first", body = Vec<ServiceView>),
        NotFound,
    )
)]
async fn list_services(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
) -> Result<Json<Vec<ServiceView>>, ApiError> {
    let services = services::list(&state, &caller, id).await?;
    Ok(Json(
        services
            .into_iter()
            .map(|(service, history)| ServiceView::new(service, history))
            .collect(),
    ))
}

/// Add a contracted service (agents, administrators).
#[utoipa::path(
    post, path = "/{id}/services", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer id")),
    request_body = NewService,
    responses(
        (status = 201, description = "Added", body = ServiceView),
        (status = 409, description = "The customer record is deleted or erased", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Invalid,
    )
)]
async fn add_service(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath(id): IdPath<uuid::Uuid>,
    Json(body): Json<NewService>,
) -> Result<impl IntoResponse, ApiError> {
    let customer_id = id;
    let service = services::add(&state, &caller, customer_id, body).await?;
    let history = services::with_histories(&state, customer_id)
        .await?
        .into_iter()
        .find(|(s, _)| s.id == service.id)
        .map(|(_, history)| history)
        .unwrap_or_default();
    let view = ServiceView::new(service, history);
    let version = view.version;
    Ok(Created::new(view).with_version(version))
}

/// Change a contracted service (agents, administrators). Status moves between active and
/// suspended; cancelled is final (409). Every status change is kept.
#[utoipa::path(
    patch, path = "/{id}/services/{service_id}", tag = "customers", security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer id"),
        ("service_id" = uuid::Uuid, Path, description = "The service id"),
    ),
    request_body = ServiceChange,
    responses(
        (status = 200, description = "The changed service", body = ServiceView),
        (status = 409, description = "An illegal status change", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Stale, Invalid,
    )
)]
async fn update_service(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath((id, service_id)): IdPath<(uuid::Uuid, uuid::Uuid)>,
    if_match: IfMatch,
    Json(body): Json<ServiceChange>,
) -> Result<impl IntoResponse, ApiError> {
    let (customer_id, service_id) = (id, service_id);
    let service =
        services::update(&state, &caller, customer_id, service_id, &if_match, body).await?;
    let history = services::with_histories(&state, customer_id)
        .await?
        .into_iter()
        .find(|(s, _)| s.id == service.id)
        .map(|(_, history)| history)
        .unwrap_or_default();
    let view = ServiceView::new(service, history);
    Ok(([platform::http::etag(view.version)], Json(view)))
}

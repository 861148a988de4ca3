//! `/api/customers` and `/api/customers/{id}`: records, search, soft delete and restore.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Staff};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale};
use platform::http::{Created, IdPath, IfMatch, Json, Query};
use platform::paging::{Page, PageParams};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CustomerView, PREFIX};
use crate::app::customers::{self, CustomerChange, NewCustomer};
use crate::{State, store};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(create_customer, search_customers))
        .routes(routes!(get_customer, update_customer, delete_customer))
        .routes(routes!(restore_customer))
}

/// Search and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Text found in the name, email or phone (case-insensitive).
    pub q: Option<String>,
    /// Administrators: include deleted records.
    pub include_deleted: Option<bool>,
    /// How many, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Create a customer record (agents, administrators).
#[utoipa::path(
    post, path = "/", tag = "customers", security(("bearer" = [])),
    request_body = NewCustomer,
    responses(
        (status = 201, description = "Created; ETag is its version", body = CustomerView),
        (status = 409, description = "The email has a record already; `existing` points to it", body = Problem, content_type = "application/problem+json"),
        Forbidden, Invalid,
    )
)]
async fn create_customer(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    Json(body): Json<NewCustomer>,
) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(customers::create(&state, &caller, body).await?);
    let (location, version) = (format!("{PREFIX}/{}", view.id), view.version);
    Ok(Created::at(location, view).with_version(version))
}

/// Search customer records (agents, administrators), oldest first.
#[utoipa::path(
    get, path = "/", tag = "customers", security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of records", body = Page<CustomerView>),
        Forbidden, Invalid,
    )
)]
async fn search_customers(
    state: State,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Page<CustomerView>>, ApiError> {
    caller.require_staff()?;
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = paging.limit()?;
    let after = paging.after_id()?;
    let text = platform::text::search_filter("q", query.q.as_deref(), 100)?;
    let include_deleted =
        query.include_deleted.unwrap_or(false) && caller.role == contracts::auth::Role::Admin;
    let rows = store::search_customers(
        state.database.pool(),
        text.as_deref(),
        include_deleted,
        after,
        limit + 1,
    )
    .await
    .map_err(crate::error::Error::from)?;
    let page = Page::from_rows(rows, limit, |customer| customer.id.to_string());
    Ok(Json(page.map(CustomerView::from)))
}

/// One record: staff any; a customer only its own (others are 404).
#[utoipa::path(
    get, path = "/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The record id")),
    responses(
        (status = 200, description = "The record; ETag is its version", body = CustomerView),
        NotFound,
    )
)]
async fn get_customer(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(customers::get(&state, &caller, id).await?);
    Ok(([view.etag()], Json(view)))
}

/// Change a record: staff any field; a customer its own record but not its email. Send
/// `If-Match` with the ETag you read to be told (412) when someone changed it since.
#[utoipa::path(
    patch, path = "/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The record id")),
    request_body = CustomerChange,
    responses(
        (status = 200, description = "The changed record; ETag is its new version", body = CustomerView),
        (status = 409, description = "Email taken, or the record is deleted or erased", body = Problem, content_type = "application/problem+json"),
        NotFound, Stale, Invalid,
    )
)]
async fn update_customer(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
    if_match: IfMatch,
    Json(body): Json<CustomerChange>,
) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(customers::update(&state, &caller, id, &if_match, body).await?);
    Ok(([view.etag()], Json(view)))
}

/// Delete a record (agents, administrators): hidden, and restorable by an administrator for
/// 30 days; after that its personal data is erased.
#[utoipa::path(
    delete, path = "/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The record id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Already deleted or erased", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Stale,
    )
)]
async fn delete_customer(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
    if_match: IfMatch,
) -> Result<StatusCode, ApiError> {
    customers::delete(&state, &caller, id, &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a deleted record (administrators, within 30 days of its deletion).
#[utoipa::path(
    post, path = "/{id}/restore", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The record id")),
    responses(
        (status = 200, description = "Restored", body = CustomerView),
        (status = 409, description = "Not deleted, or the restore window has passed", body = Problem, content_type = "application/problem+json"),
        Forbidden,
    )
)]
async fn restore_customer(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<uuid::Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(customers::restore(&state, &caller, id).await?);
    Ok(([view.etag()], Json(view)))
}

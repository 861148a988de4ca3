//! `GET /users`, `GET /users/{id}`, `PATCH /users/{id}`, `DELETE /users/{id}`: user
//! administration.

use contracts::auth::Role;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Admins, Allowed};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Unauthorized};
use platform::http::{IdPath, Json, Query};
use platform::paging::{Page, PageParams};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::UserView;
use crate::domain::email::normalise;
use crate::error::Error;
use crate::store::{self, UserFilter};
use crate::{State, app::accounts};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(get_user, update_user, delete_user))
}

/// Filters and paging of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only users whose email contains this text (case-insensitive).
    pub email: Option<String>,
    /// How many users, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A change to a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// The new role.
    pub role: Role,
}

/// List users (administrators only), oldest first.
#[utoipa::path(
    get, path = "/users", tag = "identity",
    security(("bearer" = [])),
    params(UserQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<UserView>),
        Unauthorized, Forbidden, Invalid,
    )
)]
async fn list_users(
    state: State,
    caller: Caller,
    Query(query): Query<UserQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    caller.require_admin()?;
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = paging.limit()?;
    let after = paging.after_id()?;
    let email = platform::text::search_filter("email", query.email.as_deref(), 254)?
        .map(|email| normalise(&email));
    let filter = UserFilter {
        role: query.role,
        email_contains: email,
    };
    let users = store::list_users(state.database.pool(), &filter, after, limit + 1)
        .await
        .map_err(Error::from)?;
    let page = Page::from_rows(users, limit, |user| user.id.to_string());
    Ok(Json(page.map(UserView::from)))
}

/// One user (administrators only).
#[utoipa::path(
    get, path = "/users/{id}", tag = "identity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        Forbidden, NotFound,
    )
)]
async fn get_user(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<UserView>, ApiError> {
    caller.require_admin()?;
    let user = store::find_user(state.database.pool(), id)
        .await
        .map_err(Error::from)?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(user.into()))
}

/// Change a user's role (administrators only). The user's sessions end, so the new role
/// applies from its next login.
#[utoipa::path(
    patch, path = "/users/{id}", tag = "identity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user id")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The updated user", body = UserView),
        (status = 409, description = "It would leave no administrator", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Invalid,
    )
)]
async fn update_user(
    state: State,
    Allowed(caller, _): Allowed<Admins>,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<UserUpdate>,
) -> Result<Json<UserView>, ApiError> {
    caller.require_admin()?;
    Ok(Json(
        accounts::set_role(&state, id, body.role).await?.into(),
    ))
}

/// Delete a user (administrators only): the account can no longer sign in, its sessions end,
/// and the other services are told (`user.deleted`). Not your own account, nor the last
/// administrator.
#[utoipa::path(
    delete, path = "/users/{id}", tag = "identity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Your own account, or the last administrator", body = Problem, content_type = "application/problem+json"),
        Unauthorized, Forbidden, NotFound,
    )
)]
async fn delete_user(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<axum::http::StatusCode, ApiError> {
    caller.require_admin()?;
    accounts::delete_user(&state, caller.user_id, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

//! `GET /me`, `PUT /me/password`.

use axum::http::StatusCode;
use platform::ApiError;
use platform::auth::Caller;
use platform::http::Json;
use platform::http::problems::{Invalid, TooManyRequests, Unauthorized};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::UserView;
use crate::error::Error;
use crate::{State, app::accounts, store};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one: 8 to 128 characters, not easy to guess.
    pub new_password: String,
}

/// The caller's account.
#[utoipa::path(
    get, path = "/me", tag = "identity",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserView),
        Unauthorized,
    )
)]
async fn me(state: State, caller: Caller) -> Result<Json<UserView>, ApiError> {
    let user = store::find_user(state.database.pool(), caller.user_id)
        .await
        .map_err(Error::from)?
        .ok_or(Error::NotFound)?;
    Ok(Json(user.into()))
}

/// Change the caller's password; the caller's other sessions end.
#[utoipa::path(
    put, path = "/me/password", tag = "identity",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        Unauthorized, Invalid, TooManyRequests,
    )
)]
async fn change_password(
    state: State,
    caller: Caller,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    accounts::change_password(
        &state,
        caller.user_id,
        caller.session_id,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `POST /login`, `POST /refresh`, `POST /logout`.

use axum::http::StatusCode;
use platform::ApiError;
use platform::auth::Caller;
use platform::http::problems::{TooManyRequests, Unauthorized, Unavailable};
use platform::http::{ClientAddress, Json};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::State;
use crate::app::sessions::{self, TokenPair};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The account's email (any case, spaces trimmed).
    pub email: String,
    /// The password.
    pub password: String,
}

/// A refresh token to trade.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the last pair.
    pub refresh_token: String,
}

/// Log in: a token pair for valid credentials.
#[utoipa::path(
    post, path = "/login", tag = "identity",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        Unauthorized, TooManyRequests, Unavailable,
    )
)]
async fn login(
    state: State,
    ClientAddress(address): ClientAddress,
    Json(body): Json<Credentials>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        sessions::login(&state, &body.email, &body.password, address).await?,
    ))
}

/// Trade a refresh token for a new pair (the old refresh token stops working).
#[utoipa::path(
    post, path = "/refresh", tag = "identity",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        Unauthorized,
    )
)]
async fn refresh(
    state: State,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(sessions::refresh(&state, &body.refresh_token).await?))
}

/// Log out: this session's access and refresh tokens stop working at once.
#[utoipa::path(
    post, path = "/logout", tag = "identity",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        Unauthorized,
    )
)]
async fn logout(state: State, caller: Caller) -> Result<StatusCode, ApiError> {
    sessions::logout(&state, caller.user_id, caller.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `POST /register`.

use axum::response::IntoResponse;
use platform::ApiError;
use platform::error::Problem;
use platform::http::problems::{Invalid, Unavailable};
use platform::http::{Created, Json};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PREFIX, UserView};
use crate::{State, app::accounts};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new().routes(routes!(register))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The email to log in with; trimmed and lowercased.
    pub email: String,
    /// 8 to 128 characters, not easy to guess.
    pub password: String,
    /// The name to show, 1 to 100 characters.
    pub name: String,
}

/// Register a customer account.
#[utoipa::path(
    post, path = "/register", tag = "identity",
    request_body = Registration,
    responses(
        (status = 201, description = "Registered", body = UserView),
        (status = 409, description = "The email is taken", body = Problem, content_type = "application/problem+json"),
        Invalid, Unavailable,
    )
)]
async fn register(
    state: State,
    Json(body): Json<Registration>,
) -> Result<impl IntoResponse, ApiError> {
    let user = accounts::register(&state, &body.email, &body.password, &body.name).await?;
    let location = format!("{PREFIX}/users/{}", user.id);
    Ok(Created::at(location, UserView::from(user)))
}

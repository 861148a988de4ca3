//! Identity's HTTP edge: one file per resource, composed here under `/api/identity`.

mod accounts;
mod error;
mod keys;
mod me;
mod service_tokens;
mod sessions;
mod users;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::State;
use crate::store::User;

/// Where identity's routes live.
pub const PREFIX: &str = "/api/identity";

/// Every route of identity, with its OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    let routes = OpenApiRouter::new()
        .merge(accounts::router())
        .merge(sessions::router())
        .merge(me::router())
        .merge(users::router())
        .merge(keys::router())
        .merge(service_tokens::router());
    let (router, openapi) = OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts();
    (
        router.layer(axum::middleware::map_response(no_store)),
        openapi,
    )
}

/// Identity's answers carry tokens and credentials' outcomes: no cache keeps any of them.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// The user id (UUIDv7).
    pub id: uuid::Uuid,
    /// The normalised email.
    pub email: String,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: contracts::auth::Role,
    /// When the account was created (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            email: user.email.to_string(),
            name: user.name,
            role: user.role,
            created_at: user.created_at,
        }
    }
}

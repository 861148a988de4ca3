//! The dead letters of a consuming service over HTTP, for administrators:
//! `GET /api/<service>/dead-letters` lists them, `POST .../dead-letters/{id}/replay` sends one
//! back to its handler. The same as `tienda events dead-letters` and `replay`, for the back
//! office and for a deployment where nobody can reach the database.

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::ApiError;
use crate::auth::{Admins, Allowed, TokenVerifier};
use crate::db::Database;
use crate::http::problems::{Forbidden, NotFound, Unauthorized};
use crate::http::{IdPath, Json};

/// What the routes need: the service's database and a way to check tokens.
#[derive(Clone)]
struct Letters {
    database: Database,
    verifier: Arc<TokenVerifier>,
}

impl FromRef<Letters> for Arc<TokenVerifier> {
    fn from_ref(letters: &Letters) -> Self {
        letters.verifier.clone()
    }
}

/// The dead-letter routes of a service, to merge (any state) before nesting them under its
/// prefix.
pub fn router<S: Clone + Send + Sync + 'static>(
    database: Database,
    verifier: Arc<TokenVerifier>,
) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(list_dead_letters))
        .routes(routes!(replay_dead_letter))
        .with_state(Letters { database, verifier })
}

/// An event that kept failing.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterView {
    /// The event's id.
    pub id: Uuid,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its subject.
    pub subject: String,
    /// How many times it was tried.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it arrived (RFC 3339).
    pub received_at: String,
}

/// Events this service failed to handle after every attempt, oldest first (administrators).
#[utoipa::path(
    get, path = "/dead-letters", tag = "events", security(("bearer" = [])),
    responses(
        (status = 200, description = "The dead letters", body = Vec<DeadLetterView>),
        Unauthorized, Forbidden,
    )
)]
async fn list_dead_letters(
    axum::extract::State(letters): axum::extract::State<Letters>,
    _: Allowed<Admins>,
) -> Result<Json<Vec<DeadLetterView>>, ApiError> {
    let found = super::dead_letters(letters.database.pool()).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|letter| DeadLetterView {
                id: letter.id,
                kind: letter.kind,
                subject: letter.subject,
                attempts: letter.attempts,
                last_error: letter.last_error,
                received_at: letter.received_at,
            })
            .collect(),
    ))
}

/// Send a dead letter back to its handler with a fresh set of attempts (administrators). Fix
/// the cause first, or it comes back.
#[utoipa::path(
    post, path = "/dead-letters/{id}/replay", tag = "events", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event id")),
    responses(
        (status = 204, description = "Queued for its handler again"),
        Unauthorized, Forbidden, NotFound,
    )
)]
async fn replay_dead_letter(
    axum::extract::State(letters): axum::extract::State<Letters>,
    _: Allowed<Admins>,
    IdPath(id): IdPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    if super::replay(letters.database.writer(), id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

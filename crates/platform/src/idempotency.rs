//! `Idempotency-Key` for requests that create something of value (incidents, orders, payments,
//! reservations): the same key with the same body replays the first answer; the same key with
//! another body is 422; a retry while the first is still running is 409. Keys live 24 hours.
//!
//! A service that uses it has this table in its migrations (both backends):
//!
//! ```sql
//! CREATE TABLE idempotency_keys (
//!     scope           TEXT NOT NULL,   -- whose key: the caller's user id
//!     key             TEXT NOT NULL,
//!     request_hash    TEXT NOT NULL,   -- SHA-256 of method, path and body
//!     state           TEXT NOT NULL CHECK (state IN ('running', 'done')),
//!     response_status INTEGER,         -- BIGINT on PostgreSQL
//!     response_body   TEXT,
//!     created_at      TEXT NOT NULL,
//!     PRIMARY KEY (scope, key)
//! );
//! ```
//!
//! The flow: [`begin`] claims the key (a committed `running` row, so a concurrent retry sees it
//! and gets 409); the handler does its work and, in the same transaction as its effect, calls
//! [`Claim::complete`] with the answer; if it fails instead, [`Claim::abandon`] frees the key so a
//! retry can run. A crash between claim and completion leaves a `running` row that blocks the
//! key until it expires, which errs on the side of never doing the work twice.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Row};

use crate::db::Database;
use crate::error::ApiError;
use crate::time::{from_db, to_db};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The answer header that marks a replayed answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a key is remembered.
pub const LIFETIME: time::Duration = time::Duration::hours(24);
/// The longest key accepted.
const MAX_KEY_LENGTH: usize = 255;

/// The `Idempotency-Key` of a request, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|key| !key.is_empty() && key.len() <= MAX_KEY_LENGTH)
            .filter(|key| key.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                ApiError::BadRequest(
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.".to_owned(),
                )
            })?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

/// The fingerprint of a request: a key may only be reused for the same request.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b"\n");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What [`begin`] found.
#[derive(Debug)]
pub enum Begin {
    /// The key is new (or expired): do the work, then complete or abandon the claim.
    Fresh(Claim),
    /// The work was done before: send this answer again.
    Replay {
        /// The status of the first answer.
        status: u16,
        /// The body of the first answer.
        body: String,
    },
}

/// A claimed key, to complete with the answer or abandon.
#[derive(Debug)]
#[must_use = "complete the claim with the answer, or abandon it"]
pub struct Claim {
    scope: String,
    key: String,
}

/// The stored answer of [`Begin::Replay`], sent again: JSON for a success, a problem document
/// otherwise, marked `Idempotent-Replayed: true`.
pub fn replay_response(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        crate::error::PROBLEM_JSON
    };
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

/// Claims `key` for `scope` (the caller), or finds what an earlier request with it did.
pub async fn begin(
    database: &Database,
    scope: &str,
    key: &str,
    hash: &str,
) -> Result<Begin, ApiError> {
    for _ in 0..2 {
        let now = crate::time::now();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at) \
             VALUES ($1, $2, $3, 'running', $4) ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(hash)
        .bind(to_db(now))
        .execute(database.writer())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Begin::Fresh(Claim {
                scope: scope.to_owned(),
                key: key.to_owned(),
            }));
        }
        let Some(row) = sqlx::query(
            "SELECT request_hash, state, response_status, response_body, created_at \
             FROM idempotency_keys WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(database.pool())
        .await?
        else {
            continue; // abandoned in between: claim it again
        };
        let created_at = from_db(&row.try_get::<String, _>("created_at")?)?;
        if created_at < now - LIFETIME {
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3",
            )
            .bind(scope)
            .bind(key)
            .bind(to_db(created_at))
            .execute(database.writer())
            .await?;
            continue;
        }
        if row.try_get::<String, _>("request_hash")? != hash {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                "reused",
                "this key was used for a different request",
            ));
        }
        let status: Option<i64> = row.try_get("response_status")?;
        let body: Option<String> = row.try_get("response_body")?;
        return match (row.try_get::<String, _>("state")?.as_str(), status, body) {
            ("done", Some(status), Some(body)) => Ok(Begin::Replay {
                status: u16::try_from(status).unwrap_or(500),
                body,
            }),
            _ => Err(ApiError::Conflict(
                "A request with this Idempotency-Key is still being processed; retry shortly."
                    .to_owned(),
            )),
        };
    }
    Err(ApiError::Conflict(
        "This Idempotency-Key is contended; retry shortly.".to_owned(),
    ))
}

impl Claim {
    /// The claim of `key` for `scope` taken by a request that did not finish (its process
    /// stopped), for the task that finishes its work to complete or abandon.
    pub fn resume(scope: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            scope: scope.into(),
            key: key.into(),
        }
    }

    /// Records the answer, in the transaction of the work it answers.
    pub async fn complete(
        &self,
        executor: impl Executor<'_, Database = Any>,
        status: u16,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2 \
             WHERE scope = $3 AND key = $4",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(&self.scope)
        .bind(&self.key)
        .execute(executor)
        .await?;
        Ok(())
    }

    /// Frees the key after the work failed, so that a retry can run.
    pub async fn abandon(self, database: &Database) {
        let freed = sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'running'",
        )
        .bind(&self.scope)
        .bind(&self.key)
        .execute(database.writer())
        .await;
        if let Err(error) = freed {
            tracing::warn!(%error, "cannot free an idempotency key; it expires in 24 hours");
        }
    }
}

/// Deletes keys older than their lifetime. Returns how many.
pub async fn prune(database: &Database) -> Result<u64, sqlx::Error> {
    let cutoff = crate::time::now() - LIFETIME;
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(to_db(cutoff))
            .execute(database.writer())
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let base = request_hash("POST", "/a", b"{}");
        assert_eq!(base, request_hash("POST", "/a", b"{}"));
        assert_ne!(base, request_hash("PUT", "/a", b"{}"));
        assert_ne!(base, request_hash("POST", "/b", b"{}"));
        assert_ne!(base, request_hash("POST", "/a", b"{ }"));
    }
}

//! `sessions` and `refresh_tokens`.

use platform::time::{from_db, to_db};
use sqlx::{Any, AnyPool, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::users::user_from_row;
use super::{StoreError, User, parse_uuid};

/// Starts a session for a user, valid until `expires_at` unless revoked.
pub async fn insert_session(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
    expires_at: OffsetDateTime,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id.to_string())
    .bind(user_id.to_string())
    .bind(to_db(platform::time::now()))
    .bind(to_db(expires_at))
    .execute(executor)
    .await?;
    Ok(id)
}

/// Stores the hash of a new refresh token for a session.
pub async fn insert_refresh_token(
    executor: impl Executor<'_, Database = Any>,
    token_hash: &str,
    session_id: Uuid,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(session_id.to_string())
    .bind(to_db(platform::time::now()))
    .bind(to_db(expires_at))
    .execute(executor)
    .await?;
    Ok(())
}

/// A refresh token as found, with its session and user.
#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    /// The session it belongs to.
    pub session_id: Uuid,
    /// The session's user.
    pub user: User,
    /// When the token stops working.
    pub expires_at: OffsetDateTime,
    /// Whether it was already rotated.
    pub used: bool,
    /// Whether its session is revoked.
    pub session_revoked: bool,
}

/// Finds a refresh token by its hash.
pub async fn find_refresh_token(
    executor: impl Executor<'_, Database = Any>,
    token_hash: &str,
) -> Result<Option<RefreshTokenRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT t.session_id, t.expires_at AS token_expires_at, t.used_at, s.revoked_at, \
                u.id, u.email, u.name, u.role, u.created_at \
         FROM refresh_tokens t \
         JOIN sessions s ON s.id = t.session_id \
         JOIN users u ON u.id = s.user_id \
         WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(RefreshTokenRecord {
        session_id: parse_uuid(&row.try_get::<String, _>("session_id")?)?,
        user: user_from_row(&row)?,
        expires_at: from_db(&row.try_get::<String, _>("token_expires_at")?)?,
        used: row.try_get::<Option<String>, _>("used_at")?.is_some(),
        session_revoked: row.try_get::<Option<String>, _>("revoked_at")?.is_some(),
    }))
}

/// Marks a refresh token used. False when it was used already (a concurrent rotation won).
pub async fn mark_refresh_token_used(
    executor: impl Executor<'_, Database = Any>,
    token_hash: &str,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(to_db(platform::time::now()))
    .bind(token_hash)
    .execute(executor)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Moves a session's expiry (each rotation extends it to the new refresh token's).
pub async fn extend_session(
    executor: impl Executor<'_, Database = Any>,
    session_id: Uuid,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE id = $2")
        .bind(to_db(expires_at))
        .bind(session_id.to_string())
        .execute(executor)
        .await?;
    Ok(())
}

/// Revokes one session; its id if it was not revoked already.
pub async fn revoke_session(
    executor: impl Executor<'_, Database = Any>,
    session_id: Uuid,
    reason: &str,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE id = $3 AND revoked_at IS NULL RETURNING id",
    )
    .bind(to_db(platform::time::now()))
    .bind(reason)
    .bind(session_id.to_string())
    .fetch_all(executor)
    .await?;
    parse_ids(ids)
}

/// Revokes every session of a user but `keep` (the caller's own, when it stays logged in); the
/// ids of those it ended.
pub async fn revoke_user_sessions(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND revoked_at IS NULL AND ($4 IS NULL OR id <> $4) RETURNING id",
    )
    .bind(to_db(platform::time::now()))
    .bind(reason)
    .bind(user_id.to_string())
    .bind(keep.map(|id| id.to_string()))
    .fetch_all(executor)
    .await?;
    parse_ids(ids)
}

fn parse_ids(ids: Vec<String>) -> Result<Vec<Uuid>, StoreError> {
    ids.iter()
        .map(|id| super::parse_uuid(id).map_err(StoreError::from))
        .collect()
}

/// True when the session is revoked, or does not exist.
pub async fn is_session_revoked(pool: &AnyPool, session_id: Uuid) -> Result<bool, StoreError> {
    let revoked_at: Option<Option<String>> =
        sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE id = $1")
            .bind(session_id.to_string())
            .fetch_optional(pool)
            .await?;
    Ok(!matches!(revoked_at, Some(None)))
}

//! All of identity's SQL. Functions are named for what they do; handlers never build queries.
//! The same statements run on SQLite and PostgreSQL (see `platform::db`).

use contracts::auth::Role;
use platform::db::{Backend, Database, is_unique_violation};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::Email;

/// A user as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user id.
    pub id: Uuid,
    /// The normalised email.
    pub email: Email,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// When the account was created.
    pub created_at: OffsetDateTime,
}

/// What may go wrong in the store that a caller acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The email is taken.
    #[error("the email is already registered")]
    DuplicateEmail,
    /// Anything else from the database.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored value that does not parse (corruption or a bug).
    #[error(transparent)]
    Corrupt(#[from] anyhow::Error),
}

fn parse_uuid(text: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(text).map_err(|error| anyhow::anyhow!("bad stored id `{text}`: {error}"))
}

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        email: Email::from_trusted(row.try_get("email")?),
        name: row.try_get("name")?,
        role: role
            .parse()
            .map_err(|error| anyhow::anyhow!("bad stored role: {error}"))?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
    })
}

const USER_COLUMNS: &str = "id, email, name, role, created_at";

/// Inserts a user; a taken email is [`StoreError::DuplicateEmail`].
pub async fn insert_user(
    executor: impl Executor<'_, Database = Any>,
    email: &Email,
    name: &str,
    role: Role,
    password_hash: &str,
) -> Result<User, StoreError> {
    let now = platform::time::now();
    let user = User {
        id: Uuid::now_v7(),
        email: email.clone(),
        name: name.to_owned(),
        role,
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(user.id.to_string())
    .bind(email.as_str())
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(to_db(now))
    .execute(executor)
    .await
    .map_err(|error| {
        if is_unique_violation(&error) {
            StoreError::DuplicateEmail
        } else {
            StoreError::Database(error)
        }
    })?;
    Ok(user)
}

/// The user with this email and its password hash.
pub async fn find_credentials(
    pool: &AnyPool,
    email: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, name, role, created_at, password_hash FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
        .transpose()
}

/// The password hash of a user.
pub async fn find_password_hash(
    pool: &AnyPool,
    user_id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(pool)
            .await?,
    )
}

/// Whether a user has this email.
pub async fn email_exists(pool: &AnyPool, email: &Email) -> Result<bool, StoreError> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// The user with this id.
pub async fn find_user(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// What to list of users.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only users whose email contains this text (already normalised).
    pub email_contains: Option<String>,
}

/// Users after `after_id` in id order (which is creation order: ids are UUIDv7), at most
/// `limit`.
pub async fn list_users(
    pool: &AnyPool,
    filter: &UserFilter,
    after_id: Option<Uuid>,
    limit: u32,
) -> Result<Vec<User>, StoreError> {
    // Unused filters become conditions that are always true, so the statement is static.
    let pattern = filter
        .email_contains
        .as_deref()
        .map(|text| format!("%{}%", escape_like(text)));
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users \
         WHERE ($1 IS NULL OR role = $1) \
           AND ($2 IS NULL OR email LIKE $2 ESCAPE '\\') \
           AND ($3 IS NULL OR id > $3) \
         ORDER BY id LIMIT $4"
    ))
    .bind(filter.role.map(Role::as_str))
    .bind(pattern)
    .bind(after_id.map(|id| id.to_string()))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Sets a user's role; `None` when there is no such user.
pub async fn update_role(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
    role: Role,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!(
        "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3 RETURNING {USER_COLUMNS}"
    ))
    .bind(role.as_str())
    .bind(to_db(platform::time::now()))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Replaces a user's password hash.
pub async fn update_password_hash(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(to_db(platform::time::now()))
        .bind(id.to_string())
        .execute(executor)
        .await?;
    Ok(())
}

/// Serialises role changes that involve administrators, so that two admins demoting each other
/// at once cannot both pass the last-admin check. SQLite's `BEGIN IMMEDIATE` already serialises
/// writers; PostgreSQL locks the administrators' rows.
pub async fn lock_admins(
    transaction: &mut sqlx::Transaction<'static, Any>,
    backend: Backend,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM users WHERE role = 'admin' FOR UPDATE")
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// How many administrators there are.
pub async fn count_admins(executor: impl Executor<'_, Database = Any>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(executor)
            .await?,
    )
}

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

/// Revokes one session.
pub async fn revoke_session(
    executor: impl Executor<'_, Database = Any>,
    session_id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(to_db(platform::time::now()))
    .bind(reason)
    .bind(session_id.to_string())
    .execute(executor)
    .await?;
    Ok(())
}

/// Revokes every session of a user but `keep` (the caller's own, when it stays logged in).
pub async fn revoke_user_sessions(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> Result<u64, StoreError> {
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND revoked_at IS NULL AND ($4 IS NULL OR id <> $4)",
    )
    .bind(to_db(platform::time::now()))
    .bind(reason)
    .bind(user_id.to_string())
    .bind(keep.map(|id| id.to_string()))
    .execute(executor)
    .await?;
    Ok(result.rows_affected())
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

/// The time until which a throttle key is locked, if it is.
pub async fn throttle_locked_until(
    pool: &AnyPool,
    key: &str,
) -> Result<Option<OffsetDateTime>, StoreError> {
    let locked: Option<Option<String>> =
        sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(locked.flatten().map(|text| from_db(&text)).transpose()?)
}

/// Counts a failure under `key` (restarting the count when the window has passed) and locks the
/// key until `now + lockout` when the count reaches `max_failures`. Atomic on both backends:
/// concurrent failures are all counted.
pub async fn throttle_record_failure(
    database: &Database,
    key: &str,
    max_failures: u32,
    window: std::time::Duration,
    lockout: std::time::Duration,
) -> Result<(), StoreError> {
    let now = platform::time::now();
    let window_start = now - window;
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 \
                           ELSE login_throttle.failures + 1 END, \
           window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2 \
                                    ELSE login_throttle.window_started_at END \
         RETURNING failures",
    )
    .bind(key)
    .bind(to_db(now))
    .bind(to_db(window_start))
    .fetch_one(database.pool())
    .await?;
    if failures >= i64::from(max_failures) {
        sqlx::query(
            "UPDATE login_throttle SET locked_until = $1, failures = 0, window_started_at = $2 \
             WHERE key = $3",
        )
        .bind(to_db(now + lockout))
        .bind(to_db(now))
        .bind(key)
        .execute(database.pool())
        .await?;
    }
    Ok(())
}

/// Forgets the failures under `key`.
pub async fn throttle_clear(pool: &AnyPool, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes what can no longer matter: expired refresh tokens, sessions expired for a day, and
/// throttle rows whose window and lock have passed. Returns the rows deleted.
pub async fn prune_expired(pool: &AnyPool, window: std::time::Duration) -> Result<u64, StoreError> {
    let now = platform::time::now();
    let mut deleted = 0;
    deleted += sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
        .bind(to_db(now))
        .execute(pool)
        .await?
        .rows_affected();
    deleted += sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(to_db(now - time::Duration::days(1)))
        .execute(pool)
        .await?
        .rows_affected();
    deleted += sqlx::query(
        "DELETE FROM login_throttle WHERE window_started_at < $1 \
         AND (locked_until IS NULL OR locked_until < $2)",
    )
    .bind(to_db(now - window))
    .bind(to_db(now))
    .execute(pool)
    .await?
    .rows_affected();
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_filter_are_literal() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }
}

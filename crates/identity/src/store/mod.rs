//! All of identity's SQL, one file per table group. Functions are named for what they do;
//! handlers never build queries. The same statements run on SQLite and PostgreSQL (see
//! `platform::db`).

mod sessions;
mod throttle;
mod users;

pub use sessions::{
    RefreshTokenRecord, extend_session, find_refresh_token, insert_refresh_token, insert_session,
    is_session_revoked, mark_refresh_token_used, revoke_session, revoke_user_sessions,
};
pub use throttle::{throttle_clear, throttle_locked_until, throttle_record_failure};
pub use users::{
    User, UserFilter, count_admins, delete_user, email_exists, find_credentials,
    find_password_hash, find_user, insert_user, list_users, lock_admins, update_password_hash,
    update_role,
};

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

pub(crate) use platform::db::parse_stored_uuid as parse_uuid;
use platform::time::to_db;

/// Housekeeping across the tables: deletes expired refresh tokens, sessions expired for a day,
/// and login counters whose window and lock have passed. Returns the rows deleted.
pub async fn prune_expired(
    pool: &sqlx::AnyPool,
    window: std::time::Duration,
) -> Result<u64, StoreError> {
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

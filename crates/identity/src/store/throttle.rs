//! `login_throttle`: failed logins per account and per address.

use platform::db::Database;
use platform::time::{from_db, to_db};
use sqlx::AnyPool;
use time::OffsetDateTime;

use super::StoreError;

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
    .fetch_one(database.writer())
    .await?;
    if failures >= i64::from(max_failures) {
        sqlx::query(
            "UPDATE login_throttle SET locked_until = $1, failures = 0, window_started_at = $2 \
             WHERE key = $3",
        )
        .bind(to_db(now + lockout))
        .bind(to_db(now))
        .bind(key)
        .execute(database.writer())
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

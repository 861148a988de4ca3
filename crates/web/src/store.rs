//! All of the website's SQL: its key and its sessions (`migrations/0001_web.sql`).

use platform::db::Database;
use platform::time::{from_db, to_db};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// A session as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredSession {
    /// The language chosen with the switcher, if any.
    pub locale: Option<String>,
    /// A visitor's cart token, until sign-in merges the cart.
    pub cart_token: Option<String>,
    /// Who is signed in, and their tokens.
    pub user: Option<SignedIn>,
    /// A one-shot message for the next page.
    pub flash: Option<String>,
}

/// A signed-in person and the tokens the website holds for them (never sent to the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// Their account.
    pub user_id: Uuid,
    /// The name they show.
    pub name: String,
    /// Their email.
    pub email: String,
    /// `customer`, `seller`, `agent` or `admin`.
    pub role: String,
    /// The access token.
    pub access_token: String,
    /// When it stops working.
    pub access_expires_at: OffsetDateTime,
    /// The refresh token.
    pub refresh_token: String,
}

/// The HMAC key named `name`, made from `candidate` when there is none yet. Every replica
/// reads the same row, so the first start's candidate wins.
pub async fn key(database: &Database, name: &str, candidate: &str) -> anyhow::Result<String> {
    sqlx::query("INSERT INTO web_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(candidate)
        .execute(database.writer())
        .await?;
    let row = sqlx::query("SELECT value FROM web_keys WHERE name = $1")
        .bind(name)
        .fetch_one(database.pool())
        .await?;
    Ok(row.try_get("value")?)
}

/// The live session stored under `id_hash`.
pub async fn find_session(
    database: &Database,
    id_hash: &str,
    now: OffsetDateTime,
) -> anyhow::Result<Option<StoredSession>> {
    let row = sqlx::query("SELECT * FROM web_sessions WHERE id_hash = $1 AND expires_at > $2")
        .bind(id_hash)
        .bind(to_db(now))
        .fetch_optional(database.pool())
        .await?;
    row.map(|row| session_from_row(&row)).transpose()
}

fn session_from_row(row: &AnyRow) -> anyhow::Result<StoredSession> {
    let user_id: Option<String> = row.try_get("user_id")?;
    let user = match user_id {
        Some(user_id) => {
            let expires: String = row.try_get("access_expires_at")?;
            Some(SignedIn {
                user_id: platform::db::parse_stored_uuid(&user_id)?,
                name: row.try_get("user_name")?,
                email: row.try_get("user_email")?,
                role: row.try_get("user_role")?,
                access_token: row.try_get("access_token")?,
                access_expires_at: from_db(&expires)?,
                refresh_token: row.try_get("refresh_token")?,
            })
        }
        None => None,
    };
    Ok(StoredSession {
        locale: row.try_get("locale")?,
        cart_token: row.try_get("cart_token")?,
        user,
        flash: row.try_get("flash")?,
    })
}

/// Writes the whole session under `id_hash` (made or replaced), alive until `expires_at`.
pub async fn save_session(
    database: &Database,
    id_hash: &str,
    session: &StoredSession,
    expires_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let user = session.user.as_ref();
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, locale, cart_token, user_id, user_name, user_email, \
         user_role, access_token, access_expires_at, refresh_token, flash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (id_hash) DO UPDATE SET locale = excluded.locale, \
         cart_token = excluded.cart_token, user_id = excluded.user_id, \
         user_name = excluded.user_name, user_email = excluded.user_email, \
         user_role = excluded.user_role, access_token = excluded.access_token, \
         access_expires_at = excluded.access_expires_at, refresh_token = excluded.refresh_token, \
         refreshing_until = NULL, flash = excluded.flash, expires_at = excluded.expires_at",
    )
    .bind(id_hash)
    .bind(session.locale.clone())
    .bind(session.cart_token.clone())
    .bind(user.map(|user| user.user_id.to_string()))
    .bind(user.map(|user| user.name.clone()))
    .bind(user.map(|user| user.email.clone()))
    .bind(user.map(|user| user.role.clone()))
    .bind(user.map(|user| user.access_token.clone()))
    .bind(user.map(|user| to_db(user.access_expires_at)))
    .bind(user.map(|user| user.refresh_token.clone()))
    .bind(session.flash.clone())
    .bind(to_db(platform::time::now()))
    .bind(to_db(expires_at))
    .execute(database.writer())
    .await?;
    Ok(())
}

/// Claims the renewal of a session's tokens until `until`; false when another request holds
/// the claim.
pub async fn claim_refresh(
    database: &Database,
    id_hash: &str,
    now: OffsetDateTime,
    until: OffsetDateTime,
) -> anyhow::Result<bool> {
    let claimed = sqlx::query(
        "UPDATE web_sessions SET refreshing_until = $1 \
         WHERE id_hash = $2 AND (refreshing_until IS NULL OR refreshing_until < $3)",
    )
    .bind(to_db(until))
    .bind(id_hash)
    .bind(to_db(now))
    .execute(database.writer())
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Forgets a session (logout, or its id rotated at sign-in).
pub async fn delete_session(database: &Database, id_hash: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(database.writer())
        .await?;
    Ok(())
}

/// Deletes the sessions that ended before `now`; how many.
pub async fn prune_sessions(database: &Database, now: OffsetDateTime) -> anyhow::Result<u64> {
    let pruned = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
        .bind(to_db(now))
        .execute(database.writer())
        .await?;
    Ok(pruned.rows_affected())
}

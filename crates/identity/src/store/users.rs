//! The `users` table.

use contracts::auth::Role;
use platform::db::{Backend, Constraint, escape_like, on_constraint};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, parse_uuid};
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

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
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
        on_constraint(error, |broken| {
            (broken == Constraint::Unique).then_some(StoreError::DuplicateEmail)
        })
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

/// Deletes a user; its sessions and refresh tokens go with it (foreign keys cascade).
pub async fn delete_user(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<bool, StoreError> {
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id.to_string())
        .execute(executor)
        .await?;
    Ok(deleted.rows_affected() > 0)
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

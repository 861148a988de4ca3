//! The `customers` table.

use platform::db::{Constraint, broken_constraint, escape_like};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{StoreError, optional_time, uuid};
use crate::domain::customer::{
    Address, CustomerStatus, format_date, parse_stored_date, search_text,
};

/// A customer record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The record id.
    pub id: Uuid,
    /// The identity account linked to it, if any.
    pub user_id: Option<Uuid>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Normalised email, unique.
    pub email: String,
    /// E.164 phone.
    pub phone: Option<String>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// Life-cycle status.
    pub status: CustomerStatus,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// When it was deleted, if it is.
    pub deleted_at: Option<OffsetDateTime>,
}

const CUSTOMER_COLUMNS: &str = "id, user_id, given_name, family_name, email, phone, birth_date, \
                                addresses, status, version, created_at, updated_at, deleted_at";

fn customer_from_row(row: &AnyRow) -> Result<Customer, StoreError> {
    let addresses: String = row.try_get("addresses")?;
    Ok(Customer {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        user_id: row
            .try_get::<Option<String>, _>("user_id")?
            .as_deref()
            .map(uuid)
            .transpose()?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        birth_date: row
            .try_get::<Option<String>, _>("birth_date")?
            .as_deref()
            .map(parse_stored_date)
            .transpose()?,
        addresses: serde_json::from_str(&addresses)
            .map_err(|error| anyhow::anyhow!("bad stored addresses: {error}"))?,
        status: CustomerStatus::parse(&row.try_get::<String, _>("status")?)?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
        deleted_at: optional_time(row.try_get("deleted_at")?)?,
    })
}

fn addresses_json(addresses: &[Address]) -> Result<String, StoreError> {
    serde_json::to_string(addresses).map_err(|error| StoreError::Corrupt(error.into()))
}

/// The record with this email, if any (whatever its status).
pub async fn find_id_by_email(
    executor: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
        .bind(email)
        .fetch_optional(executor)
        .await?;
    Ok(id.as_deref().map(uuid).transpose()?)
}

/// Inserts a new record (version 1). A taken email or account is [`StoreError::Duplicate`]:
/// which one, and whose, is for the caller to ask once this transaction has ended (after a
/// failed statement PostgreSQL refuses further ones in it, and asking through a second pooled
/// connection while holding this one starves the pool when many do it at once).
pub async fn insert_customer(
    transaction: &mut sqlx::Transaction<'static, Any>,
    customer: &Customer,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO customers (id, user_id, given_name, family_name, email, phone, birth_date, \
         addresses, search_text, status, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(customer.id.to_string())
    .bind(customer.user_id.map(|id| id.to_string()))
    .bind(&customer.given_name)
    .bind(&customer.family_name)
    .bind(&customer.email)
    .bind(customer.phone.as_deref())
    .bind(customer.birth_date.map(format_date))
    .bind(addresses_json(&customer.addresses)?)
    .bind(search_text(
        &customer.given_name,
        &customer.family_name,
        &customer.email,
        customer.phone.as_deref(),
    ))
    .bind(customer.status.as_str())
    .bind(to_db(customer.created_at))
    .execute(&mut **transaction)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if broken_constraint(&error) == Some(Constraint::Unique) => {
            Err(StoreError::Duplicate)
        }
        Err(error) => Err(error.into()),
    }
}

/// The record with this id.
pub async fn find_customer(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Customer>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(customer_from_row).transpose()
}

/// The record linked to an account.
pub async fn find_by_user(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
) -> Result<Option<Customer>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = $1"
    ))
    .bind(user_id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(customer_from_row).transpose()
}

/// Records whose names, email or phone contain `text` (lowercased), after `after` in id order.
pub async fn search_customers(
    pool: &AnyPool,
    text: Option<&str>,
    include_deleted: bool,
    after: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Customer>, StoreError> {
    let pattern = text.map(|text| format!("%{}%", escape_like(&text.to_lowercase())));
    let rows = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers \
         WHERE ($1 IS NULL OR search_text LIKE $1 ESCAPE '\\') \
           AND (status = 'active' OR ($2 = 1 AND status = 'deleted')) \
           AND ($3 IS NULL OR id > $3) \
         ORDER BY id LIMIT $4"
    ))
    .bind(pattern)
    .bind(i64::from(include_deleted))
    .bind(after.map(|id| id.to_string()))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(customer_from_row).collect()
}

/// Writes every field of `customer` if the stored version is still `customer.version`, and
/// returns the record with its new version. [`StoreError::Stale`] when another write came first.
/// A taken email or account is [`StoreError::Duplicate`] (see [`insert_customer`]).
pub async fn update_customer(
    transaction: &mut sqlx::Transaction<'static, Any>,
    customer: &Customer,
) -> Result<Customer, StoreError> {
    let now = platform::time::now();
    let result = sqlx::query(
        "UPDATE customers SET user_id = $1, given_name = $2, family_name = $3, email = $4, \
         phone = $5, birth_date = $6, addresses = $7, search_text = $8, status = $9, \
         deleted_at = $10, erased_at = $11, version = version + 1, updated_at = $12 \
         WHERE id = $13 AND version = $14",
    )
    .bind(customer.user_id.map(|id| id.to_string()))
    .bind(&customer.given_name)
    .bind(&customer.family_name)
    .bind(&customer.email)
    .bind(customer.phone.as_deref())
    .bind(customer.birth_date.map(format_date))
    .bind(addresses_json(&customer.addresses)?)
    .bind(search_text(
        &customer.given_name,
        &customer.family_name,
        &customer.email,
        customer.phone.as_deref(),
    ))
    .bind(customer.status.as_str())
    .bind(customer.deleted_at.map(to_db))
    .bind((customer.status == CustomerStatus::Erased).then(|| to_db(now)))
    .bind(to_db(now))
    .bind(customer.id.to_string())
    .bind(customer.version)
    .execute(&mut **transaction)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => {}
        Ok(_) => return Err(StoreError::Stale),
        Err(error) if broken_constraint(&error) == Some(Constraint::Unique) => {
            return Err(StoreError::Duplicate);
        }
        Err(error) => return Err(error.into()),
    }
    find_customer(&mut **transaction, customer.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// Records deleted before `cutoff`, whose restore window has passed.
pub async fn deleted_before(
    pool: &AnyPool,
    cutoff: OffsetDateTime,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM customers WHERE status = 'deleted' AND deleted_at < $1")
            .bind(to_db(cutoff))
            .fetch_all(pool)
            .await?;
    Ok(ids
        .iter()
        .map(|id| uuid(id))
        .collect::<anyhow::Result<_>>()?)
}

/// How many records there are (for seeding demo data once).
pub async fn count_customers(pool: &AnyPool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(pool)
        .await?)
}

//! Delivery options.

use platform::time::to_db;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Transaction, time, uuid};

/// A way to deliver, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOption {
    /// Its id.
    pub id: Uuid,
    /// Who carries it.
    pub carrier: String,
    /// What the customer picks (`Standard`, `Express`).
    pub name: String,
    /// Price in minor units.
    pub price_amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// Days to arrive, as the carrier estimates.
    pub estimated_days: i64,
    /// Offered at checkout.
    pub active: bool,
    /// Edits so far (the ETag).
    pub version: i64,
    /// Made.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, carrier, name, price_amount, currency, estimated_days, active, version, \
                       created_at, updated_at";

fn read(row: &AnyRow) -> Result<DeliveryOption, sqlx::Error> {
    Ok(DeliveryOption {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        carrier: row.try_get("carrier")?,
        name: row.try_get("name")?,
        price_amount: row.try_get("price_amount")?,
        currency: row.try_get("currency")?,
        estimated_days: row.try_get("estimated_days")?,
        active: row.try_get::<i64, _>("active")? == 1,
        version: row.try_get("version")?,
        created_at: time(&row.try_get::<String, _>("created_at")?)?,
        updated_at: time(&row.try_get::<String, _>("updated_at")?)?,
    })
}

/// Every option, cheapest first; only the active ones unless `all`.
pub async fn list_delivery_options(
    executor: impl Executor<'_, Database = Any>,
    all: bool,
) -> Result<Vec<DeliveryOption>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM delivery_options WHERE active = 1 OR $1 = 1 \
         ORDER BY price_amount, name, id"
    ))
    .bind(i64::from(all))
    .fetch_all(executor)
    .await?;
    rows.iter().map(read).collect()
}

/// One option.
pub async fn find_delivery_option(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<DeliveryOption>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM delivery_options WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?
    .as_ref()
    .map(read)
    .transpose()
}

/// Stores a new option.
pub async fn insert_delivery_option(
    executor: impl Executor<'_, Database = Any>,
    option: &DeliveryOption,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO delivery_options ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(option.id.to_string())
    .bind(&option.carrier)
    .bind(&option.name)
    .bind(option.price_amount)
    .bind(&option.currency)
    .bind(option.estimated_days)
    .bind(i64::from(option.active))
    .bind(option.version)
    .bind(to_db(option.created_at))
    .bind(to_db(option.updated_at))
    .execute(executor)
    .await?;
    Ok(())
}

/// Saves an edited option if it is still at `previous_version`; false when it moved on.
pub async fn update_delivery_option(
    transaction: &mut Transaction,
    option: &DeliveryOption,
    previous_version: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE delivery_options SET carrier = $1, name = $2, price_amount = $3, currency = $4, \
         estimated_days = $5, active = $6, version = $7, updated_at = $8 \
         WHERE id = $9 AND version = $10",
    )
    .bind(&option.carrier)
    .bind(&option.name)
    .bind(option.price_amount)
    .bind(&option.currency)
    .bind(option.estimated_days)
    .bind(i64::from(option.active))
    .bind(option.version)
    .bind(to_db(option.updated_at))
    .bind(option.id.to_string())
    .bind(previous_version)
    .execute(&mut **transaction)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// How many options there are (the demo seeds an empty table only).
pub async fn count_delivery_options(
    executor: impl Executor<'_, Database = Any>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM delivery_options")
        .fetch_one(executor)
        .await
}

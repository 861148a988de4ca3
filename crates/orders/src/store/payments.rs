//! The simulated payment provider's books (`simulated_charges`, `simulated_refunds`), kept in
//! the orders database as a real provider keeps them on its side: each write in its own
//! transaction, apart from the orders'.

use platform::db::Database;
use platform::time::to_db;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

/// A charge as the books hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedCharge {
    /// The provider's id (`ch_...`).
    pub id: String,
    /// Minor units charged.
    pub amount: i64,
    /// The decline code; `None` when approved.
    pub decline_code: Option<String>,
}

/// A charge to record.
#[derive(Debug)]
pub struct NewSimulatedCharge<'a> {
    /// The caller's idempotency key (the order id).
    pub idempotency_key: &'a str,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: &'a str,
    /// The card's brand.
    pub card_brand: &'a str,
    /// The card's last four digits (never the number).
    pub card_last4: &'a str,
    /// The decline code; `None` approves.
    pub decline_code: Option<&'a str>,
}

/// The charge made with `idempotency_key`, if any.
pub async fn find_simulated_charge(
    pool: &AnyPool,
    idempotency_key: &str,
) -> Result<Option<SimulatedCharge>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, amount, outcome, decline_code FROM simulated_charges WHERE idempotency_key = $1",
    )
    .bind(idempotency_key)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let outcome: String = row.try_get("outcome")?;
    Ok(Some(SimulatedCharge {
        id: row.try_get("id")?,
        amount: row.try_get("amount")?,
        decline_code: if outcome == "approved" {
            None
        } else {
            Some(
                row.try_get::<Option<String>, _>("decline_code")?
                    .unwrap_or_default(),
            )
        },
    }))
}

/// Records a charge; `Ok(None)` when one with the same key is there already (it is the charge).
pub async fn insert_simulated_charge(
    pool: &AnyPool,
    charge: &NewSimulatedCharge<'_>,
) -> Result<Option<SimulatedCharge>, sqlx::Error> {
    let id = format!("ch_{}", Uuid::now_v7().simple());
    let inserted = sqlx::query(
        "INSERT INTO simulated_charges (id, idempotency_key, amount, currency, card_brand, \
         card_last4, outcome, decline_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(charge.idempotency_key)
    .bind(charge.amount)
    .bind(charge.currency)
    .bind(charge.card_brand)
    .bind(charge.card_last4)
    .bind(if charge.decline_code.is_some() { "declined" } else { "approved" })
    .bind(charge.decline_code)
    .bind(to_db(platform::time::now()))
    .execute(pool)
    .await?;
    Ok((inserted.rows_affected() == 1).then(|| SimulatedCharge {
        id,
        amount: charge.amount,
        decline_code: charge.decline_code.map(str::to_owned),
    }))
}

/// Refunds `amount` of an approved charge once per `idempotency_key`: the refund's id (the
/// first one's when the key was used), or `None` when the charge cannot give that much back.
pub async fn refund_simulated_charge(
    database: &Database,
    charge_id: &str,
    amount: i64,
    idempotency_key: &str,
) -> Result<Option<String>, sqlx::Error> {
    let mut transaction = database.begin().await?;
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM simulated_refunds WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .fetch_optional(&mut *transaction)
            .await?;
    if existing.is_some() {
        return Ok(existing);
    }
    // Never more back than was taken.
    let updated = sqlx::query(
        "UPDATE simulated_charges SET refunded_amount = refunded_amount + $1 \
         WHERE id = $2 AND outcome = 'approved' AND refunded_amount + $1 <= amount",
    )
    .bind(amount)
    .bind(charge_id)
    .execute(&mut *transaction)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    let id = format!("re_{}", Uuid::now_v7().simple());
    sqlx::query(
        "INSERT INTO simulated_refunds (id, charge_id, idempotency_key, amount, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(charge_id)
    .bind(idempotency_key)
    .bind(amount)
    .bind(to_db(platform::time::now()))
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(Some(id))
}

/// How many charges were made with `idempotency_key`, and their total refunded.
pub async fn simulated_ledger(
    pool: &AnyPool,
    idempotency_key: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS charges, CAST(COALESCE(SUM(refunded_amount), 0) AS BIGINT) AS refunded \
         FROM simulated_charges WHERE idempotency_key = $1",
    )
    .bind(idempotency_key)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("charges")?, row.try_get("refunded")?))
}

//! Stock: reservations for orders, their lines, and recorded adjustments. Every change to a
//! product's stock is one guarded `UPDATE`, and the table's `CHECK (stock >= 0)` stands behind
//! it, so no interleaving of requests on either backend can take stock below zero.

use platform::db::{Constraint, on_constraint};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, uuid};

/// The transaction every stock change runs in.
pub type Transaction = sqlx::Transaction<'static, Any>;

/// Where a reservation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationStatus {
    /// Stock is held for the order.
    Held,
    /// The sale happened.
    Committed,
    /// The order let it go; stock returned.
    Released,
    /// Nobody committed it in time; stock returned.
    Expired,
}

impl ReservationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationStatus::Held => "held",
            ReservationStatus::Committed => "committed",
            ReservationStatus::Released => "released",
            ReservationStatus::Expired => "expired",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "held" => Some(ReservationStatus::Held),
            "committed" => Some(ReservationStatus::Committed),
            "released" => Some(ReservationStatus::Released),
            "expired" => Some(ReservationStatus::Expired),
            _ => None,
        }
    }
}

/// A reservation with its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    /// Its id.
    pub id: Uuid,
    /// The order it holds stock for (one reservation per order).
    pub order_id: Uuid,
    /// A hash of the lines as requested.
    pub request_hash: String,
    /// Where it is.
    pub status: ReservationStatus,
    /// `(product, quantity)`, by product id.
    pub lines: Vec<(Uuid, i64)>,
    /// When a held reservation expires.
    pub expires_at: OffsetDateTime,
    /// Made.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

fn reservation_from_row(row: &AnyRow, lines: Vec<(Uuid, i64)>) -> Result<Reservation, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Reservation {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        order_id: uuid(&row.try_get::<String, _>("order_id")?)?,
        request_hash: row.try_get("request_hash")?,
        status: ReservationStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(anyhow::anyhow!("bad reservation status")))?,
        lines,
        expires_at: from_db(&row.try_get::<String, _>("expires_at")?)?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

async fn load(
    transaction: &mut Transaction,
    row: Option<AnyRow>,
) -> Result<Option<Reservation>, StoreError> {
    let Some(row) = row else { return Ok(None) };
    let id: String = row.try_get("id")?;
    let lines = sqlx::query(
        "SELECT product_id, quantity FROM reservation_lines WHERE reservation_id = $1 \
         ORDER BY product_id",
    )
    .bind(&id)
    .fetch_all(&mut **transaction)
    .await?
    .iter()
    .map(|line| {
        Ok((
            uuid(&line.try_get::<String, _>("product_id")?)?,
            line.try_get::<i64, _>("quantity")?,
        ))
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    reservation_from_row(&row, lines).map(Some)
}

const COLUMNS: &str = "id, order_id, request_hash, status, expires_at, created_at, updated_at";

/// The reservation of an order.
pub async fn find_reservation_by_order(
    transaction: &mut Transaction,
    order_id: Uuid,
) -> Result<Option<Reservation>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM reservations WHERE order_id = $1"
    ))
    .bind(order_id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    load(transaction, row).await
}

/// One reservation.
pub async fn find_reservation(
    transaction: &mut Transaction,
    id: Uuid,
) -> Result<Option<Reservation>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reservations WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **transaction)
        .await?;
    load(transaction, row).await
}

/// Inserts a held reservation (without its lines: see [`insert_reservation_lines`]); another one
/// for the same order is [`StoreError::DuplicateOrder`].
pub async fn insert_reservation(
    transaction: &mut Transaction,
    reservation: &Reservation,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO reservations (id, order_id, request_hash, status, expires_at, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(reservation.id.to_string())
    .bind(reservation.order_id.to_string())
    .bind(&reservation.request_hash)
    .bind(reservation.status.as_str())
    .bind(to_db(reservation.expires_at))
    .bind(to_db(reservation.created_at))
    .execute(&mut **transaction)
    .await
    .map_err(|error| {
        on_constraint(error, |broken| {
            (broken == Constraint::Unique).then_some(StoreError::DuplicateOrder)
        })
    })?;
    Ok(())
}

/// Inserts a reservation's lines, once its stock is taken (so every product exists).
pub async fn insert_reservation_lines(
    transaction: &mut Transaction,
    reservation: &Reservation,
) -> Result<(), StoreError> {
    for (product, quantity) in &reservation.lines {
        sqlx::query(
            "INSERT INTO reservation_lines (reservation_id, product_id, quantity) VALUES ($1, $2, $3)",
        )
        .bind(reservation.id.to_string())
        .bind(product.to_string())
        .bind(*quantity)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

/// Moves a reservation from `held` to `to`; false when it was no longer held.
pub async fn settle_reservation(
    transaction: &mut Transaction,
    id: Uuid,
    to: ReservationStatus,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE reservations SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'held'",
    )
    .bind(to.as_str())
    .bind(to_db(now))
    .bind(id.to_string())
    .execute(&mut **transaction)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes `quantity` of an active product's stock (a pet becomes `reserved`); `None` when there
/// is not that much (nothing changes), else the stock left.
pub async fn take_stock(
    transaction: &mut Transaction,
    product_id: Uuid,
    quantity: i64,
    now: OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    let left: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET stock = stock - $1, updated_at = $2, \
         pet_status = CASE WHEN kind = 'pet' THEN 'reserved' ELSE pet_status END \
         WHERE id = $3 AND status = 'active' AND stock >= $1 RETURNING stock",
    )
    .bind(quantity)
    .bind(to_db(now))
    .bind(product_id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    Ok(left)
}

/// Gives `quantity` back to a product's stock (a pet is `available` again).
pub async fn return_stock(
    transaction: &mut Transaction,
    product_id: Uuid,
    quantity: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE products SET stock = stock + $1, updated_at = $2, \
         pet_status = CASE WHEN kind = 'pet' THEN 'available' ELSE pet_status END WHERE id = $3",
    )
    .bind(quantity)
    .bind(to_db(now))
    .bind(product_id.to_string())
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Marks a reserved pet sold (other kinds: nothing to do; their stock already left).
pub async fn sell(
    transaction: &mut Transaction,
    product_id: Uuid,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE products SET pet_status = 'sold', updated_at = $1 WHERE id = $2 AND kind = 'pet'",
    )
    .bind(to_db(now))
    .bind(product_id.to_string())
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The stock of a product now, if it is active.
pub async fn available(
    executor: impl Executor<'_, Database = Any>,
    product_id: Uuid,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT stock FROM products WHERE id = $1 AND status = 'active'")
            .bind(product_id.to_string())
            .fetch_optional(executor)
            .await?,
    )
}

/// Held reservations whose time has passed.
pub async fn expired_reservations(
    executor: impl Executor<'_, Database = Any>,
    now: OffsetDateTime,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM reservations WHERE status = 'held' AND expires_at <= $1 ORDER BY expires_at",
    )
    .bind(to_db(now))
    .fetch_all(executor)
    .await?;
    ids.iter().map(|id| Ok(uuid(id)?)).collect()
}

/// Adds `delta` to a product's stock and records why, unless that would take it below zero
/// (or a pet beyond one animal); `None` then. A pet at 0 is `sold`, at 1 `available`.
/// What an adjustment came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjusted {
    /// Applied: the stock after it.
    To(i64),
    /// Refused: the stock would leave its bounds (below zero, or above one for a pet).
    OutOfBounds,
    /// Its reference was applied to this product before: nothing changed (roll back).
    AlreadyApplied,
}

/// Changes a product's stock by `delta` and records why; with a `reference`, at most once per
/// product and reference (the unique index decides, so two at once apply one).
pub async fn adjust_stock(
    transaction: &mut Transaction,
    product_id: Uuid,
    delta: i64,
    reason: &str,
    reference: Option<&str>,
    actor: Uuid,
    now: OffsetDateTime,
) -> Result<Adjusted, StoreError> {
    let after: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET stock = stock + $1, updated_at = $2, \
         pet_status = CASE WHEN kind <> 'pet' THEN pet_status \
                           WHEN stock + $1 = 0 THEN 'sold' ELSE 'available' END \
         WHERE id = $3 AND stock + $1 >= 0 AND (kind <> 'pet' OR stock + $1 <= 1) RETURNING stock",
    )
    .bind(delta)
    .bind(to_db(now))
    .bind(product_id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    let Some(stock_after) = after else {
        return Ok(Adjusted::OutOfBounds);
    };
    let recorded = sqlx::query(
        "INSERT INTO stock_adjustments (id, product_id, delta, reason, reference, actor_id, \
         stock_after, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (product_id, reference) DO NOTHING",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(product_id.to_string())
    .bind(delta)
    .bind(reason)
    .bind(reference)
    .bind(actor.to_string())
    .bind(stock_after)
    .bind(to_db(now))
    .execute(&mut **transaction)
    .await?;
    Ok(if recorded.rows_affected() == 1 {
        Adjusted::To(stock_after)
    } else {
        Adjusted::AlreadyApplied
    })
}

/// A recorded stock adjustment.
#[derive(Debug, Clone)]
pub struct Adjustment {
    /// Its id.
    pub id: Uuid,
    /// Units added (positive) or removed (negative).
    pub delta: i64,
    /// Why.
    pub reason: String,
    /// Who made it.
    pub actor_id: Uuid,
    /// The stock it left.
    pub stock_after: i64,
    /// When.
    pub created_at: OffsetDateTime,
}

/// A product's adjustments, newest first, at most `limit`.
pub async fn list_adjustments(
    executor: impl Executor<'_, Database = Any>,
    product_id: Uuid,
    limit: i64,
) -> Result<Vec<Adjustment>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, delta, reason, actor_id, stock_after, created_at FROM stock_adjustments \
         WHERE product_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(product_id.to_string())
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row: &AnyRow| {
            Ok(Adjustment {
                id: uuid(&row.try_get::<String, _>("id")?)?,
                delta: row.try_get("delta")?,
                reason: row.try_get("reason")?,
                actor_id: uuid(&row.try_get::<String, _>("actor_id")?)?,
                stock_after: row.try_get("stock_after")?,
                created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
            })
        })
        .collect()
}

//! Orders and their lines. Every change of state is one guarded `UPDATE` naming the state it
//! expects to leave, so two requests (or a request and the recovery task) never both move it.

use platform::db::{Constraint, broken_constraint};
use platform::time::to_db;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Transaction, time, uuid};
use crate::domain::address::ShippingAddress;
use crate::domain::status::{OrderStatus, PendingStep};

/// A line as bought: the name and price at the time of purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// The product.
    pub product_id: Uuid,
    /// Its name when bought.
    pub name: String,
    /// Its price per unit when bought (minor units).
    pub unit_amount: i64,
    /// Units.
    pub quantity: i64,
    /// Returned to the catalog's stock after a refund.
    pub restocked: bool,
}

/// A price that moved between adding to the cart and paying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceChange {
    /// The product.
    pub product_id: Uuid,
    /// Per unit when it went into the cart (minor units).
    pub cart_amount: i64,
    /// Per unit charged (minor units).
    pub charged_amount: i64,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Its id.
    pub id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// Where it is.
    pub status: OrderStatus,
    /// Work begun with another service and not finished.
    pub pending_step: Option<PendingStep>,
    /// Why it failed or was cancelled.
    pub status_reason: Option<String>,
    /// ISO 4217, for every amount.
    pub currency: String,
    /// The lines' total.
    pub items_amount: i64,
    /// The delivery's price.
    pub delivery_amount: i64,
    /// What the customer pays.
    pub total_amount: i64,
    /// The delivery option chosen.
    pub delivery_option_id: Uuid,
    /// Its carrier then.
    pub delivery_carrier: String,
    /// Its name then.
    pub delivery_name: String,
    /// Its estimate then.
    pub estimated_days: i64,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
    /// Prices that changed since the cart.
    pub price_changes: Vec<PriceChange>,
    /// The checkout's `Idempotency-Key`.
    pub idempotency_key: String,
    /// The catalog's reservation.
    pub reservation_id: Option<Uuid>,
    /// The card's network.
    pub card_brand: String,
    /// The card's last four digits.
    pub card_last4: String,
    /// The provider's charge.
    pub payment_id: Option<String>,
    /// The provider's refund.
    pub refund_id: Option<String>,
    /// The shipment's carrier.
    pub tracking_carrier: Option<String>,
    /// The shipment's tracking number.
    pub tracking_number: Option<String>,
    /// Paid.
    pub paid_at: Option<OffsetDateTime>,
    /// Shipped.
    pub shipped_at: Option<OffsetDateTime>,
    /// Delivered.
    pub delivered_at: Option<OffsetDateTime>,
    /// Cancelled or refunded.
    pub cancelled_at: Option<OffsetDateTime>,
    /// Placed.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// What was bought.
    pub lines: Vec<OrderLine>,
}

const COLUMNS: &str = "id, user_id, status, pending_step, status_reason, currency, items_amount, \
    delivery_amount, total_amount, delivery_option_id, delivery_carrier, delivery_name, \
    estimated_days, shipping_address, price_changes, idempotency_key, reservation_id, card_brand, \
    card_last4, payment_id, refund_id, tracking_carrier, tracking_number, paid_at, shipped_at, \
    delivered_at, cancelled_at, created_at, updated_at";

fn optional_time(row: &AnyRow, column: &str) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    row.try_get::<Option<String>, _>(column)?
        .as_deref()
        .map(time)
        .transpose()
}

fn corrupt(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

fn read(row: &AnyRow) -> Result<Order, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let step: Option<String> = row.try_get("pending_step")?;
    Ok(Order {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        user_id: uuid(&row.try_get::<String, _>("user_id")?)?,
        status: status
            .parse()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        pending_step: step
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        status_reason: row.try_get("status_reason")?,
        currency: row.try_get("currency")?,
        items_amount: row.try_get("items_amount")?,
        delivery_amount: row.try_get("delivery_amount")?,
        total_amount: row.try_get("total_amount")?,
        delivery_option_id: uuid(&row.try_get::<String, _>("delivery_option_id")?)?,
        delivery_carrier: row.try_get("delivery_carrier")?,
        delivery_name: row.try_get("delivery_name")?,
        estimated_days: row.try_get("estimated_days")?,
        shipping_address: serde_json::from_str(&row.try_get::<String, _>("shipping_address")?)
            .map_err(corrupt)?,
        price_changes: serde_json::from_str(&row.try_get::<String, _>("price_changes")?)
            .map_err(corrupt)?,
        idempotency_key: row.try_get("idempotency_key")?,
        reservation_id: row
            .try_get::<Option<String>, _>("reservation_id")?
            .as_deref()
            .map(uuid)
            .transpose()?,
        card_brand: row.try_get("card_brand")?,
        card_last4: row.try_get("card_last4")?,
        payment_id: row.try_get("payment_id")?,
        refund_id: row.try_get("refund_id")?,
        tracking_carrier: row.try_get("tracking_carrier")?,
        tracking_number: row.try_get("tracking_number")?,
        paid_at: optional_time(row, "paid_at")?,
        shipped_at: optional_time(row, "shipped_at")?,
        delivered_at: optional_time(row, "delivered_at")?,
        cancelled_at: optional_time(row, "cancelled_at")?,
        created_at: time(&row.try_get::<String, _>("created_at")?)?,
        updated_at: time(&row.try_get::<String, _>("updated_at")?)?,
        lines: Vec::new(),
    })
}

/// Stores a new order and its lines; `Ok(false)`, storing nothing, when the customer has a
/// checkout in progress already (one at a time: a partial unique index).
pub async fn insert_order(
    transaction: &mut Transaction,
    order: &Order,
) -> Result<bool, sqlx::Error> {
    let address = serde_json::to_string(&order.shipping_address).map_err(corrupt)?;
    let changes = serde_json::to_string(&order.price_changes).map_err(corrupt)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO orders ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)"
    ))
    .bind(order.id.to_string())
    .bind(order.user_id.to_string())
    .bind(order.status.as_str())
    .bind(order.pending_step.map(PendingStep::as_str))
    .bind(order.status_reason.as_deref())
    .bind(&order.currency)
    .bind(order.items_amount)
    .bind(order.delivery_amount)
    .bind(order.total_amount)
    .bind(order.delivery_option_id.to_string())
    .bind(&order.delivery_carrier)
    .bind(&order.delivery_name)
    .bind(order.estimated_days)
    .bind(address)
    .bind(changes)
    .bind(&order.idempotency_key)
    .bind(order.reservation_id.map(|id| id.to_string()))
    .bind(&order.card_brand)
    .bind(&order.card_last4)
    .bind(order.payment_id.as_deref())
    .bind(order.refund_id.as_deref())
    .bind(order.tracking_carrier.as_deref())
    .bind(order.tracking_number.as_deref())
    .bind(order.paid_at.map(to_db))
    .bind(order.shipped_at.map(to_db))
    .bind(order.delivered_at.map(to_db))
    .bind(order.cancelled_at.map(to_db))
    .bind(to_db(order.created_at))
    .bind(to_db(order.updated_at))
    .execute(&mut **transaction)
    .await;
    match inserted {
        Err(error) if broken_constraint(&error) == Some(Constraint::Unique) => return Ok(false),
        other => other?,
    };
    for line in &order.lines {
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, name, unit_amount, quantity, restocked) \
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(order.id.to_string())
        .bind(line.product_id.to_string())
        .bind(&line.name)
        .bind(line.unit_amount)
        .bind(line.quantity)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(true)
}

/// Deletes an order that never was (its stock could not be reserved).
pub async fn delete_order(transaction: &mut Transaction, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM order_lines WHERE order_id = $1")
        .bind(id.to_string())
        .execute(&mut **transaction)
        .await?;
    sqlx::query("DELETE FROM orders WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// One order with its lines.
pub async fn find_order(
    transaction: &mut sqlx::AnyConnection,
    id: Uuid,
) -> Result<Option<Order>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM orders WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *transaction)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut order = read(&row)?;
    order.lines = lines_of(&mut *transaction, id).await?;
    Ok(Some(order))
}

async fn lines_of(
    executor: impl Executor<'_, Database = Any>,
    order_id: Uuid,
) -> Result<Vec<OrderLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT product_id, name, unit_amount, quantity, restocked FROM order_lines \
         WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order_id.to_string())
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OrderLine {
                product_id: uuid(&row.try_get::<String, _>("product_id")?)?,
                name: row.try_get("name")?,
                unit_amount: row.try_get("unit_amount")?,
                quantity: row.try_get("quantity")?,
                restocked: row.try_get::<i64, _>("restocked")? == 1,
            })
        })
        .collect()
}

/// Which orders a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only this customer's.
    pub user_id: Option<Uuid>,
    /// Only in this state.
    pub status: Option<OrderStatus>,
    /// Only placed at or after this time.
    pub placed_from: Option<OffsetDateTime>,
    /// Only placed before this time.
    pub placed_before: Option<OffsetDateTime>,
}

/// Orders, newest first, after the cursor's id; up to `limit + 1` (the extra says there is more).
pub async fn list_orders(
    connection: &mut sqlx::AnyConnection,
    filter: &OrderFilter,
    before: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Order>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM orders WHERE ($1 = '' OR user_id = $1) AND ($2 = '' OR status = $2) \
         AND ($3 = '' OR id < $3) AND ($5 = '' OR created_at >= $5) \
         AND ($6 = '' OR created_at < $6) ORDER BY id DESC LIMIT $4"
    ))
    .bind(filter.user_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(filter.status.map(OrderStatus::as_str).unwrap_or_default())
    .bind(before.map(|id| id.to_string()).unwrap_or_default())
    .bind(i64::from(limit) + 1)
    .bind(filter.placed_from.map(to_db).unwrap_or_default())
    .bind(filter.placed_before.map(to_db).unwrap_or_default())
    .fetch_all(&mut *connection)
    .await?;
    let mut orders = rows.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    for order in &mut orders {
        order.lines = lines_of(&mut *connection, order.id).await?;
    }
    Ok(orders)
}

/// A move of an order from one state to another, with what the move learned.
#[derive(Debug, Clone, Default)]
pub struct Transition {
    /// The status it moves to (unchanged when `None`).
    pub status: Option<OrderStatus>,
    /// The step it moves to (`None`: nothing pending).
    pub step: Option<PendingStep>,
    /// Why (a decline code, a cancellation).
    pub reason: Option<String>,
    /// The catalog's reservation.
    pub reservation_id: Option<Uuid>,
    /// The provider's charge.
    pub payment_id: Option<String>,
    /// The provider's refund.
    pub refund_id: Option<String>,
    /// The shipment: carrier and tracking number.
    pub tracking: Option<(String, String)>,
}

/// Applies `change` if the order is still in `status` with `step` pending; false otherwise.
/// The time of the new status is recorded (`paid_at`, `shipped_at`, ...).
pub async fn transition(
    transaction: &mut Transaction,
    id: Uuid,
    (status, step): (OrderStatus, Option<PendingStep>),
    change: Transition,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let next = change.status.unwrap_or(status);
    let stamp = |wanted: &[OrderStatus]| {
        (change.status.is_some() && wanted.contains(&next)).then(|| to_db(now))
    };
    let (carrier, number) = change.tracking.unzip();
    let updated = sqlx::query(
        "UPDATE orders SET status = $1, pending_step = $2, \
         status_reason = COALESCE($3, status_reason), \
         reservation_id = COALESCE($4, reservation_id), payment_id = COALESCE($5, payment_id), \
         refund_id = COALESCE($6, refund_id), tracking_carrier = COALESCE($7, tracking_carrier), \
         tracking_number = COALESCE($8, tracking_number), paid_at = COALESCE($9, paid_at), \
         shipped_at = COALESCE($10, shipped_at), delivered_at = COALESCE($11, delivered_at), \
         cancelled_at = COALESCE($12, cancelled_at), updated_at = $13 \
         WHERE id = $14 AND status = $15 AND COALESCE(pending_step, '') = $16",
    )
    .bind(next.as_str())
    .bind(change.step.map(PendingStep::as_str))
    .bind(change.reason)
    .bind(change.reservation_id.map(|id| id.to_string()))
    .bind(change.payment_id)
    .bind(change.refund_id)
    .bind(carrier)
    .bind(number)
    .bind(stamp(&[OrderStatus::Paid]))
    .bind(stamp(&[OrderStatus::Shipped]))
    .bind(stamp(&[OrderStatus::Delivered]))
    .bind(stamp(&[OrderStatus::Cancelled, OrderStatus::Refunded]))
    .bind(to_db(now))
    .bind(id.to_string())
    .bind(status.as_str())
    .bind(step.map(PendingStep::as_str).unwrap_or_default())
    .execute(&mut **transaction)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Orders with work pending that nobody has touched since `before`, oldest first.
pub async fn stalled_orders(
    executor: impl Executor<'_, Database = Any>,
    before: OffsetDateTime,
) -> Result<Vec<(Uuid, OffsetDateTime)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, updated_at FROM orders WHERE pending_step IS NOT NULL AND updated_at <= $1 \
         ORDER BY updated_at LIMIT 100",
    )
    .bind(to_db(before))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                uuid(&row.try_get::<String, _>("id")?)?,
                time(&row.try_get::<String, _>("updated_at")?)?,
            ))
        })
        .collect()
}

/// Takes over a stalled order: true for the one caller that moved its `updated_at` from `seen`.
pub async fn take_over(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
    seen: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let updated =
        sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2 AND updated_at = $3")
            .bind(to_db(now))
            .bind(id.to_string())
            .bind(to_db(seen))
            .execute(executor)
            .await?;
    Ok(updated.rows_affected() == 1)
}

/// Records that a line's units went back to the catalog.
pub async fn mark_restocked(
    executor: impl Executor<'_, Database = Any>,
    order_id: Uuid,
    product_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE order_lines SET restocked = 1 WHERE order_id = $1 AND product_id = $2")
        .bind(order_id.to_string())
        .bind(product_id.to_string())
        .execute(executor)
        .await?;
    Ok(())
}

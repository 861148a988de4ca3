//! Whose each order is (from `order.placed`).

use platform::time::to_db;
use sqlx::{Any, Executor};
use time::OffsetDateTime;
use uuid::Uuid;

/// Records that `order_id` is `user_id`'s (again: no change).
pub async fn remember_order(
    executor: impl Executor<'_, Database = Any>,
    order_id: Uuid,
    user_id: Uuid,
    placed_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customer_orders (order_id, user_id, placed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(order_id.to_string())
    .bind(user_id.to_string())
    .bind(to_db(placed_at))
    .execute(executor)
    .await?;
    Ok(())
}

/// The account an order belongs to, when support has heard of the order.
pub async fn order_owner(
    executor: impl Executor<'_, Database = Any>,
    order_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let owner: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM customer_orders WHERE order_id = $1")
            .bind(order_id.to_string())
            .fetch_optional(executor)
            .await?;
    owner
        .as_deref()
        .map(platform::db::parse_stored_uuid)
        .transpose()
        .map_err(|error| sqlx::Error::Decode(error.into()))
}

//! Carts and their items.

use platform::db::Backend;
use platform::time::to_db;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Transaction, time, uuid};

/// A line of a cart, with the price seen when it was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartItem {
    /// The product.
    pub product_id: Uuid,
    /// Units.
    pub quantity: i64,
    /// The price per unit when added (minor units).
    pub price_amount: i64,
    /// Its currency.
    pub currency: String,
    /// When added.
    pub added_at: OffsetDateTime,
}

/// The cart of a user.
pub async fn cart_of_user(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_optional(executor)
        .await?;
    id.as_deref().map(uuid).transpose()
}

/// The cart of a user, held for the rest of `transaction` so that a checkout reading it and a
/// payment emptying it take turns (on PostgreSQL a row lock; on SQLite the write transaction
/// holds the database's one write lock already). `owner` is the user, or the order whose
/// customer it is.
pub async fn lock_cart(
    transaction: &mut Transaction,
    backend: Backend,
    owner: CartOwner,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (whose, id) = match owner {
        CartOwner::User(id) => ("$1", id),
        CartOwner::CustomerOf(order) => ("(SELECT user_id FROM orders WHERE id = $1)", order),
    };
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let cart: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM carts WHERE user_id = {whose}{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    cart.as_deref().map(uuid).transpose()
}

/// Whose cart to lock.
#[derive(Debug, Clone, Copy)]
pub enum CartOwner {
    /// This user's.
    User(Uuid),
    /// The customer's who placed this order.
    CustomerOf(Uuid),
}

/// The cart whose visitor token hashes to `token_hash`.
pub async fn cart_of_token(
    executor: impl Executor<'_, Database = Any>,
    token_hash: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM carts WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(executor)
        .await?;
    id.as_deref().map(uuid).transpose()
}

/// Makes a cart for a user or a visitor's token; an existing one of the user is kept (a
/// concurrent first add). Returns the cart's id.
pub async fn insert_cart(
    transaction: &mut Transaction,
    user_id: Option<Uuid>,
    token_hash: Option<&str>,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO carts (id, user_id, token_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id.to_string())
    .bind(user_id.map(|user| user.to_string()))
    .bind(token_hash)
    .bind(to_db(now))
    .execute(&mut **transaction)
    .await?;
    match user_id {
        Some(user) => cart_of_user(&mut **transaction, user)
            .await?
            .ok_or(sqlx::Error::RowNotFound),
        None => Ok(id),
    }
}

/// The items of a cart, oldest first.
pub async fn cart_items(
    executor: impl Executor<'_, Database = Any>,
    cart_id: Uuid,
) -> Result<Vec<CartItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT product_id, quantity, price_amount, currency, added_at FROM cart_items \
         WHERE cart_id = $1 ORDER BY added_at, product_id",
    )
    .bind(cart_id.to_string())
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CartItem {
                product_id: uuid(&row.try_get::<String, _>("product_id")?)?,
                quantity: row.try_get("quantity")?,
                price_amount: row.try_get("price_amount")?,
                currency: row.try_get("currency")?,
                added_at: time(&row.try_get::<String, _>("added_at")?)?,
            })
        })
        .collect()
}

/// Adds units of a product (to its line, if it has one, up to [`crate::app::carts::MAX_QUANTITY`]), at the
/// price seen now for a new line.
pub async fn add_item(
    transaction: &mut Transaction,
    cart_id: Uuid,
    item: &CartItem,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cart_items (cart_id, product_id, quantity, price_amount, currency, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cart_id, product_id) \
         DO UPDATE SET quantity = CASE WHEN cart_items.quantity + excluded.quantity > $7 \
         THEN $7 ELSE cart_items.quantity + excluded.quantity END",
    )
    .bind(cart_id.to_string())
    .bind(item.product_id.to_string())
    .bind(item.quantity)
    .bind(item.price_amount)
    .bind(&item.currency)
    .bind(to_db(item.added_at))
    .bind(crate::app::carts::MAX_QUANTITY)
    .execute(&mut **transaction)
    .await?;
    touch_cart(transaction, cart_id, item.added_at).await
}

/// Sets a line's units; false when the product is not in the cart.
pub async fn set_quantity(
    transaction: &mut Transaction,
    cart_id: Uuid,
    product_id: Uuid,
    quantity: i64,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let updated =
        sqlx::query("UPDATE cart_items SET quantity = $1 WHERE cart_id = $2 AND product_id = $3")
            .bind(quantity)
            .bind(cart_id.to_string())
            .bind(product_id.to_string())
            .execute(&mut **transaction)
            .await?;
    touch_cart(transaction, cart_id, now).await?;
    Ok(updated.rows_affected() == 1)
}

/// Takes products out of a cart; returns how many lines went.
pub async fn remove_items(
    transaction: &mut Transaction,
    cart_id: Uuid,
    products: &[Uuid],
) -> Result<u64, sqlx::Error> {
    let mut removed = 0;
    for product in products {
        removed += sqlx::query("DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2")
            .bind(cart_id.to_string())
            .bind(product.to_string())
            .execute(&mut **transaction)
            .await?
            .rows_affected();
    }
    Ok(removed)
}

/// Deletes a cart and its items.
pub async fn delete_cart(transaction: &mut Transaction, cart_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM cart_items WHERE cart_id = $1")
        .bind(cart_id.to_string())
        .execute(&mut **transaction)
        .await?;
    sqlx::query("DELETE FROM carts WHERE id = $1")
        .bind(cart_id.to_string())
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

async fn touch_cart(
    transaction: &mut Transaction,
    cart_id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2")
        .bind(to_db(now))
        .bind(cart_id.to_string())
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

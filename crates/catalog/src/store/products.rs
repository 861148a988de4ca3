//! The `products` table: one product by id, listing and changing it. Searching it is in
//! `search.rs`.

use platform::time::{from_db, to_db};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, uuid};
use crate::domain::product::{Kind, PetStatus, tag_text};
use contracts::money::Money;
use platform::db::{Constraint, on_constraint};

/// Whether a product is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductStatus {
    /// Listed and sold.
    Active,
    /// Out of the listings; old orders and reviews still resolve it.
    Archived,
}

impl ProductStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }
}

/// A product as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Its id.
    pub id: Uuid,
    /// Book, pet or item.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category_id: Uuid,
    /// Its price.
    pub price: Money,
    /// Units available.
    pub stock: i64,
    /// Image URLs.
    pub images: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The kind's attributes.
    pub attributes: Value,
    /// A book's author (also in `attributes`), for the text index.
    pub author: Option<String>,
    /// A pet's sale status.
    pub pet_status: Option<PetStatus>,
    /// Active or archived.
    pub status: ProductStatus,
    /// The seller who owns it; `None` for the shop's own.
    pub seller_id: Option<Uuid>,
    /// How many reviews.
    pub rating_count: i64,
    /// The sum of their ratings.
    pub rating_sum: i64,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

impl Product {
    /// The mean rating, `None` without reviews.
    pub fn rating_average(&self) -> Option<f64> {
        (self.rating_count > 0).then(|| self.rating_sum as f64 / self.rating_count as f64)
    }
}

pub(super) const COLUMNS: &str = "p.id, p.kind, p.name, p.description, p.category_id, p.price_amount, \
                       p.price_currency, p.stock, p.images, p.tags, p.attributes, p.author, \
                       p.pet_status, p.status, p.seller_id, p.rating_count, p.rating_sum, \
                       p.rating_average, p.version, p.created_at, p.updated_at";

pub(super) fn from_row(row: &AnyRow) -> Result<Product, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(anyhow::anyhow!("stored {what} does not parse"));
    let kind: String = row.try_get("kind")?;
    let pet_status: Option<String> = row.try_get("pet_status")?;
    let seller: Option<String> = row.try_get("seller_id")?;
    let status: String = row.try_get("status")?;
    let json = |column: &str| -> Result<Value, StoreError> {
        serde_json::from_str(&row.try_get::<String, _>(column)?).map_err(|_| corrupt(column))
    };
    let strings = |column: &str| -> Result<Vec<String>, StoreError> {
        serde_json::from_value(json(column)?).map_err(|_| corrupt(column))
    };
    Ok(Product {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        kind: Kind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        category_id: uuid(&row.try_get::<String, _>("category_id")?)?,
        price: Money {
            amount: row.try_get("price_amount")?,
            currency: row.try_get("price_currency")?,
        },
        stock: row.try_get("stock")?,
        images: strings("images")?,
        tags: strings("tags")?,
        attributes: json("attributes")?,
        author: row.try_get("author")?,
        pet_status: pet_status
            .as_deref()
            .map(|text| PetStatus::parse(text).ok_or_else(|| corrupt("pet status")))
            .transpose()?,
        status: match status.as_str() {
            "active" => ProductStatus::Active,
            "archived" => ProductStatus::Archived,
            _ => return Err(corrupt("status")),
        },
        seller_id: seller.as_deref().map(uuid).transpose()?,
        rating_count: row.try_get("rating_count")?,
        rating_sum: row.try_get("rating_sum")?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn write_error(error: sqlx::Error) -> StoreError {
    on_constraint(error, |broken| {
        (broken == Constraint::ForeignKey).then_some(StoreError::UnknownCategory)
    })
}

/// Inserts a product (version 1).
pub async fn insert_product(
    executor: impl Executor<'_, Database = Any>,
    product: &Product,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO products (id, kind, name, description, category_id, price_amount, \
         price_currency, stock, images, tags, tag_text, attributes, author, pet_status, status, \
         seller_id, rating_count, rating_sum, rating_average, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, 0, 0, \
         1, $17, $17)",
    )
    .bind(product.id.to_string())
    .bind(product.kind.as_str())
    .bind(&product.name)
    .bind(&product.description)
    .bind(product.category_id.to_string())
    .bind(product.price.amount)
    .bind(&product.price.currency)
    .bind(product.stock)
    .bind(json_text(&product.images))
    .bind(json_text(&product.tags))
    .bind(tag_text(&product.tags))
    .bind(json_text(&product.attributes))
    .bind(product.author.as_deref())
    .bind(product.pet_status.map(PetStatus::as_str))
    .bind(product.status.as_str())
    .bind(product.seller_id.map(|id| id.to_string()))
    .bind(to_db(product.created_at))
    .execute(executor)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// One product, whatever its status.
pub async fn find_product(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Product>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM products p WHERE p.id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Writes every field a change may touch if the stored version is still `product.version`;
/// returns the product with its new version. Ratings are not written here: reviews keep them.
pub async fn update_product(
    transaction: &mut sqlx::Transaction<'static, Any>,
    product: &Product,
    now: OffsetDateTime,
) -> Result<Product, StoreError> {
    let done = sqlx::query(
        "UPDATE products SET name = $1, description = $2, category_id = $3, price_amount = $4, \
         price_currency = $5, stock = $6, images = $7, tags = $8, tag_text = $9, attributes = $10, \
         author = $11, pet_status = $12, status = $13, version = version + 1, updated_at = $14 \
         WHERE id = $15 AND version = $16",
    )
    .bind(&product.name)
    .bind(&product.description)
    .bind(product.category_id.to_string())
    .bind(product.price.amount)
    .bind(&product.price.currency)
    .bind(product.stock)
    .bind(json_text(&product.images))
    .bind(json_text(&product.tags))
    .bind(tag_text(&product.tags))
    .bind(json_text(&product.attributes))
    .bind(product.author.as_deref())
    .bind(product.pet_status.map(PetStatus::as_str))
    .bind(product.status.as_str())
    .bind(to_db(now))
    .bind(product.id.to_string())
    .bind(product.version)
    .execute(&mut **transaction)
    .await
    .map_err(write_error)?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    find_product(&mut **transaction, product.id)
        .await?
        .ok_or(StoreError::Stale)
}

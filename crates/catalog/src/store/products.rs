//! The `products` table, and search over it: free text through the database's full-text index
//! (FTS5 on SQLite, `tsvector` + GIN on PostgreSQL), filters, sorts, and keyset cursors.

use platform::db::Backend;
use platform::time::{from_db, to_db};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
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

const COLUMNS: &str = "p.id, p.kind, p.name, p.description, p.category_id, p.price_amount, \
                       p.price_currency, p.stock, p.images, p.tags, p.attributes, p.author, \
                       p.pet_status, p.status, p.seller_id, p.rating_count, p.rating_sum, \
                       p.rating_average, p.version, p.created_at, p.updated_at";

fn from_row(row: &AnyRow) -> Result<Product, StoreError> {
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

/// How a product list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best text match first (needs text).
    Relevance,
    /// Cheapest first.
    PriceAscending,
    /// Dearest first.
    PriceDescending,
    /// Newest first.
    Newest,
    /// Best rated first.
    Rating,
}

/// Where a page starts: after this sort key.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// After this id (newest first).
    Id(Uuid),
    /// After this price and id.
    Price(i64, Uuid),
    /// After this rating and id.
    Rating(f64, Uuid),
    /// After this many matches among the products that existed when the first page was read
    /// (ids up to the bound): relevance ranks are not keys, so the result set is held still.
    Offset(i64, Uuid),
}

impl After {
    /// The cursor text of this key.
    pub fn encode(&self) -> String {
        match self {
            After::Id(id) => format!("n|{id}"),
            After::Price(price, id) => format!("p|{price}|{id}"),
            After::Rating(rating, id) => format!("r|{rating}|{id}"),
            After::Offset(offset, bound) => format!("o|{offset}|{bound}"),
        }
    }

    /// The key a cursor text names, if it is one of `sort`'s.
    pub fn decode(text: &str, sort: Sort) -> Option<Self> {
        let parts: Vec<&str> = text.split('|').collect();
        let id = |text: &str| Uuid::parse_str(text).ok();
        match (sort, parts.as_slice()) {
            (Sort::Newest, ["n", key]) => Some(After::Id(id(key)?)),
            (Sort::PriceAscending | Sort::PriceDescending, ["p", price, key]) => {
                Some(After::Price(price.parse().ok()?, id(key)?))
            }
            (Sort::Rating, ["r", rating, key]) => {
                let rating: f64 = rating.parse().ok()?;
                rating
                    .is_finite()
                    .then_some(After::Rating(rating, id(key)?))
            }
            (Sort::Relevance, ["o", offset, bound]) => {
                let offset: i64 = offset.parse().ok()?;
                (offset >= 0).then_some(After::Offset(offset, id(bound)?))
            }
            _ => None,
        }
    }
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ProductQuery {
    /// Words that must all match (as prefixes) the name, description, author or tags.
    pub words: Vec<String>,
    /// In this category or any below it.
    pub category: Option<Uuid>,
    /// Of this kind.
    pub kind: Option<Kind>,
    /// At least this price (minor units).
    pub min_price: Option<i64>,
    /// At most this price (minor units).
    pub max_price: Option<i64>,
    /// With this tag.
    pub tag: Option<String>,
    /// Only with stock (`true`) or only without (`false`).
    pub in_stock: Option<bool>,
    /// Of this seller.
    pub seller: Option<Uuid>,
    /// The order.
    pub sort: Sort,
    /// Where the page starts.
    pub after: Option<After>,
    /// How many rows to fetch.
    pub limit: u32,
}

/// A statement being built, with its parameters in order.
#[derive(Default)]
struct Statement {
    conditions: Vec<String>,
    texts: Vec<(usize, String)>,
    integers: Vec<(usize, i64)>,
    floats: Vec<(usize, f64)>,
    count: usize,
}

impl Statement {
    fn text(&mut self, value: String) -> String {
        self.count += 1;
        self.texts.push((self.count, value));
        format!("${}", self.count)
    }

    fn integer(&mut self, value: i64) -> String {
        self.count += 1;
        self.integers.push((self.count, value));
        format!("${}", self.count)
    }

    fn float(&mut self, value: f64) -> String {
        self.count += 1;
        self.floats.push((self.count, value));
        format!("${}", self.count)
    }
}

/// Active products matching `query`, in its order, after its cursor; each with the cursor that
/// continues after it.
pub async fn search_products(
    pool: &AnyPool,
    backend: Backend,
    query: &ProductQuery,
) -> Result<Vec<(Product, After)>, StoreError> {
    let mut statement = Statement::default();
    statement.conditions.push("p.status = 'active'".to_owned());
    let text_match = (!query.words.is_empty()).then(|| match backend {
        Backend::Sqlite => statement.text(
            query
                .words
                .iter()
                .map(|word| format!("\"{word}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Backend::Postgres => statement.text(
            query
                .words
                .iter()
                .map(|word| format!("{word}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        ),
    });
    if let Some(category) = query.category {
        let category = statement.text(category.to_string());
        statement.conditions.push(format!(
            "p.category_id IN (WITH RECURSIVE tree (id) AS (SELECT id FROM categories WHERE id = {category} \
             UNION ALL SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id) \
             SELECT id FROM tree)"
        ));
    }
    if let Some(kind) = query.kind {
        let kind = statement.text(kind.as_str().to_owned());
        statement.conditions.push(format!("p.kind = {kind}"));
    }
    if let Some(min) = query.min_price {
        let min = statement.integer(min);
        statement
            .conditions
            .push(format!("p.price_amount >= {min}"));
    }
    if let Some(max) = query.max_price {
        let max = statement.integer(max);
        statement
            .conditions
            .push(format!("p.price_amount <= {max}"));
    }
    if let Some(tag) = &query.tag {
        // Tags are letters, digits and hyphens: nothing LIKE treats specially.
        let tag = statement.text(format!("% {tag} %"));
        statement.conditions.push(format!("p.tag_text LIKE {tag}"));
    }
    match query.in_stock {
        Some(true) => statement.conditions.push("p.stock > 0".to_owned()),
        Some(false) => statement.conditions.push("p.stock = 0".to_owned()),
        None => {}
    }
    if let Some(seller) = query.seller {
        let seller = statement.text(seller.to_string());
        statement.conditions.push(format!("p.seller_id = {seller}"));
    }
    let mut offset = 0;
    match &query.after {
        Some(After::Id(id)) => {
            let id = statement.text(id.to_string());
            statement.conditions.push(format!("p.id < {id}"));
        }
        Some(After::Price(price, id)) => {
            let (price, id) = (statement.integer(*price), statement.text(id.to_string()));
            let (beyond, tie) = if query.sort == Sort::PriceDescending {
                ("<", "<")
            } else {
                (">", ">")
            };
            statement.conditions.push(format!(
                "(p.price_amount {beyond} {price} OR (p.price_amount = {price} AND p.id {tie} {id}))"
            ));
        }
        Some(After::Rating(rating, id)) => {
            let (rating, id) = (statement.float(*rating), statement.text(id.to_string()));
            statement.conditions.push(format!(
                "(p.rating_average < {rating} OR (p.rating_average = {rating} AND p.id < {id}))"
            ));
        }
        Some(After::Offset(skip, _)) => offset = *skip,
        None => {}
    }
    // Relevance pages hold the result set still: only products that existed at the first page.
    let bound = match &query.after {
        Some(After::Offset(_, bound)) => *bound,
        _ => Uuid::now_v7(),
    };
    if query.sort == Sort::Relevance {
        let bound = statement.text(bound.to_string());
        statement.conditions.push(format!("p.id <= {bound}"));
    }
    let mut from = "products p".to_owned();
    let mut order = match query.sort {
        Sort::Newest | Sort::Relevance => "p.id DESC".to_owned(),
        Sort::PriceAscending => "p.price_amount, p.id".to_owned(),
        Sort::PriceDescending => "p.price_amount DESC, p.id DESC".to_owned(),
        Sort::Rating => "p.rating_average DESC, p.id DESC".to_owned(),
    };
    if let Some(text_match) = &text_match {
        match backend {
            Backend::Sqlite => {
                // CROSS JOIN fixes the order: the text index first, then each match's row. The
                // other order runs the full-text query once per product.
                from = "products_text CROSS JOIN products p ON p.rowid = products_text.rowid"
                    .to_owned();
                statement
                    .conditions
                    .push(format!("products_text MATCH {text_match}"));
                if query.sort == Sort::Relevance {
                    order = "bm25(products_text), p.id DESC".to_owned();
                }
            }
            Backend::Postgres => {
                statement
                    .conditions
                    .push(format!("p.search @@ to_tsquery('simple', {text_match})"));
                if query.sort == Sort::Relevance {
                    order = format!(
                        "ts_rank(p.search, to_tsquery('simple', {text_match})) DESC, p.id DESC"
                    );
                }
            }
        }
    }
    let limit = statement.integer(i64::from(query.limit));
    let skip = statement.integer(offset);
    let sql = format!(
        "SELECT {COLUMNS} FROM {from} WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {skip}",
        statement.conditions.join(" AND ")
    );
    let mut binds: Vec<(usize, Bind)> = Vec::new();
    binds.extend(statement.texts.into_iter().map(|(n, v)| (n, Bind::Text(v))));
    binds.extend(
        statement
            .integers
            .into_iter()
            .map(|(n, v)| (n, Bind::Integer(v))),
    );
    binds.extend(
        statement
            .floats
            .into_iter()
            .map(|(n, v)| (n, Bind::Float(v))),
    );
    binds.sort_by_key(|(n, _)| *n);
    let mut prepared = sqlx::query(&sql);
    for (_, bind) in binds {
        prepared = match bind {
            Bind::Text(value) => prepared.bind(value),
            Bind::Integer(value) => prepared.bind(value),
            Bind::Float(value) => prepared.bind(value),
        };
    }
    let rows = prepared.fetch_all(pool).await?;
    let mut found = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let product = from_row(row)?;
        let average: f64 = row.try_get("rating_average")?;
        let after = match query.sort {
            Sort::Newest => After::Id(product.id),
            Sort::PriceAscending | Sort::PriceDescending => {
                After::Price(product.price.amount, product.id)
            }
            Sort::Rating => After::Rating(average, product.id),
            Sort::Relevance => After::Offset(offset + i64::try_from(index).unwrap_or(0) + 1, bound),
        };
        found.push((product, after));
    }
    Ok(found)
}

enum Bind {
    Text(String),
    Integer(i64),
    Float(f64),
}

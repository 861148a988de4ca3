//! Search over the products: free text through the database's full-text index (FTS5 on
//! SQLite, `tsvector` + GIN on PostgreSQL), filters, sorts, and keyset cursors.
//!
//! The statement is assembled here from its parts, each value bound as a parameter. Not with
//! `sqlx::QueryBuilder`: over the `Any` driver it writes `?` placeholders, which PostgreSQL
//! refuses; [`Statement`] writes `$n` and hands sqlx the values in order.

use platform::db::Backend;
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyPool, Arguments, Encode, Row, Type};
use uuid::Uuid;

use super::StoreError;
use super::products::{COLUMNS, Product, from_row};
use crate::domain::product::Kind;

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

/// A statement being built: its conditions, and its parameters in order.
#[derive(Default)]
struct Statement {
    conditions: Vec<String>,
    arguments: AnyArguments<'static>,
}

impl Statement {
    /// Binds `value` as the next parameter; answers its placeholder.
    fn bind<T>(&mut self, value: T) -> Result<String, StoreError>
    where
        T: 'static + Encode<'static, Any> + Type<Any>,
    {
        self.arguments
            .add(value)
            .map_err(|error| StoreError::Database(sqlx::Error::Encode(error)))?;
        Ok(format!("${}", self.arguments.len()))
    }

    /// Adds a condition every row must meet.
    fn filter(&mut self, condition: String) {
        self.conditions.push(condition);
    }
}

/// The full-text query for the words, each as a prefix, all required.
fn text_query(backend: Backend, words: &[String]) -> String {
    match backend {
        Backend::Sqlite => words
            .iter()
            .map(|word| format!("\"{word}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|word| format!("{word}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// The filters of `query` (all but the text and the cursor).
fn filter(statement: &mut Statement, query: &ProductQuery) -> Result<(), StoreError> {
    statement.filter("p.status = 'active'".to_owned());
    if let Some(category) = query.category {
        let category = statement.bind(category.to_string())?;
        statement.filter(format!(
            "p.category_id IN (WITH RECURSIVE tree (id) AS (SELECT id FROM categories WHERE id = {category} \
             UNION ALL SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id) \
             SELECT id FROM tree)"
        ));
    }
    if let Some(kind) = query.kind {
        let kind = statement.bind(kind.as_str().to_owned())?;
        statement.filter(format!("p.kind = {kind}"));
    }
    if let Some(min) = query.min_price {
        let min = statement.bind(min)?;
        statement.filter(format!("p.price_amount >= {min}"));
    }
    if let Some(max) = query.max_price {
        let max = statement.bind(max)?;
        statement.filter(format!("p.price_amount <= {max}"));
    }
    if let Some(tag) = &query.tag {
        // Tags are letters, digits and hyphens: nothing LIKE treats specially.
        let tag = statement.bind(format!("% {tag} %"))?;
        statement.filter(format!("p.tag_text LIKE {tag}"));
    }
    match query.in_stock {
        Some(true) => statement.filter("p.stock > 0".to_owned()),
        Some(false) => statement.filter("p.stock = 0".to_owned()),
        None => {}
    }
    if let Some(seller) = query.seller {
        let seller = statement.bind(seller.to_string())?;
        statement.filter(format!("p.seller_id = {seller}"));
    }
    Ok(())
}

/// Where the page starts: a keyset condition, or (relevance) how many rows to skip.
fn start_after(statement: &mut Statement, query: &ProductQuery) -> Result<i64, StoreError> {
    match &query.after {
        Some(After::Id(id)) => {
            let id = statement.bind(id.to_string())?;
            statement.filter(format!("p.id < {id}"));
        }
        Some(After::Price(price, id)) => {
            let (price, id) = (statement.bind(*price)?, statement.bind(id.to_string())?);
            let beyond = if query.sort == Sort::PriceDescending {
                "<"
            } else {
                ">"
            };
            statement.filter(format!(
                "(p.price_amount {beyond} {price} OR (p.price_amount = {price} AND p.id {beyond} {id}))"
            ));
        }
        Some(After::Rating(rating, id)) => {
            let (rating, id) = (statement.bind(*rating)?, statement.bind(id.to_string())?);
            statement.filter(format!(
                "(p.rating_average < {rating} OR (p.rating_average = {rating} AND p.id < {id}))"
            ));
        }
        Some(After::Offset(skip, _)) => return Ok(*skip),
        None => {}
    }
    Ok(0)
}

/// Active products matching `query`, in its order, after its cursor; each with the cursor that
/// continues after it.
pub async fn search_products(
    pool: &AnyPool,
    backend: Backend,
    query: &ProductQuery,
) -> Result<Vec<(Product, After)>, StoreError> {
    let mut statement = Statement::default();
    let text_match = if query.words.is_empty() {
        None
    } else {
        Some(statement.bind(text_query(backend, &query.words))?)
    };
    filter(&mut statement, query)?;
    let offset = start_after(&mut statement, query)?;
    // Relevance pages hold the result set still: only products that existed at the first page.
    let bound = match &query.after {
        Some(After::Offset(_, bound)) => *bound,
        _ => Uuid::now_v7(),
    };
    if query.sort == Sort::Relevance {
        let bound = statement.bind(bound.to_string())?;
        statement.filter(format!("p.id <= {bound}"));
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
                statement.filter(format!("products_text MATCH {text_match}"));
                if query.sort == Sort::Relevance {
                    order = "bm25(products_text), p.id DESC".to_owned();
                }
            }
            Backend::Postgres => {
                statement.filter(format!("p.search @@ to_tsquery('simple', {text_match})"));
                if query.sort == Sort::Relevance {
                    order = format!(
                        "ts_rank(p.search, to_tsquery('simple', {text_match})) DESC, p.id DESC"
                    );
                }
            }
        }
    }
    let limit = statement.bind(i64::from(query.limit))?;
    let skip = statement.bind(offset)?;
    let sql = format!(
        "SELECT {COLUMNS} FROM {from} WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {skip}",
        statement.conditions.join(" AND ")
    );
    let rows = sqlx::query_with(&sql, statement.arguments)
        .fetch_all(pool)
        .await?;
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

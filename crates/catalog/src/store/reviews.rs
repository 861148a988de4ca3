//! The `reviews` table, and the rating totals it keeps on `products` in the same transaction,
//! as increments (`rating_sum = rating_sum + $n`), so concurrent reviews all count.

use platform::db::{Constraint, on_constraint};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::stock::Transaction;
use super::{StoreError, uuid};

/// A review as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Its id.
    pub id: Uuid,
    /// The product reviewed.
    pub product_id: Uuid,
    /// Who wrote it.
    pub author_id: Uuid,
    /// The author's name when written.
    pub author_name: String,
    /// 1 to 5.
    pub rating: i64,
    /// What the author says (may be empty).
    pub comment: String,
    /// Written.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str =
    "id, product_id, author_id, author_name, rating, comment, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Review, StoreError> {
    Ok(Review {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        product_id: uuid(&row.try_get::<String, _>("product_id")?)?,
        author_id: uuid(&row.try_get::<String, _>("author_id")?)?,
        author_name: row.try_get("author_name")?,
        rating: row.try_get("rating")?,
        comment: row.try_get("comment")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

/// Adds `count` reviews and `sum` rating points to a product's totals (negative to remove).
async fn add_to_totals(
    transaction: &mut Transaction,
    product_id: Uuid,
    count: i64,
    sum: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE products SET rating_count = rating_count + $1, rating_sum = rating_sum + $2, \
         rating_average = CASE WHEN rating_count + $1 = 0 THEN 0 \
             ELSE CAST(rating_sum + $2 AS DOUBLE PRECISION) / (rating_count + $1) END \
         WHERE id = $3",
    )
    .bind(count)
    .bind(sum)
    .bind(product_id.to_string())
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Inserts a review and counts it; a second by the same author is
/// [`StoreError::DuplicateReview`].
pub async fn insert_review(
    transaction: &mut Transaction,
    review: &Review,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO reviews ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
    ))
    .bind(review.id.to_string())
    .bind(review.product_id.to_string())
    .bind(review.author_id.to_string())
    .bind(&review.author_name)
    .bind(review.rating)
    .bind(&review.comment)
    .bind(to_db(review.created_at))
    .execute(&mut **transaction)
    .await
    .map_err(|error| {
        on_constraint(error, |broken| {
            (broken == Constraint::Unique).then_some(StoreError::DuplicateReview(None))
        })
    })?;
    add_to_totals(transaction, review.product_id, 1, review.rating).await
}

/// One review.
pub async fn find_review(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Review>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reviews WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A product's reviews, newest first, after `after`.
pub async fn list_reviews(
    executor: impl Executor<'_, Database = Any>,
    product_id: Uuid,
    after: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Review>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM reviews WHERE product_id = $1 AND ($2 IS NULL OR id < $2) \
         ORDER BY id DESC LIMIT $3"
    ))
    .bind(product_id.to_string())
    .bind(after.map(|id| id.to_string()))
    .bind(i64::from(limit))
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Changes a review's rating and comment and the product's totals with it, if the stored
/// rating is still the one read (else [`StoreError::Stale`]: the totals would go wrong).
pub async fn update_review(
    transaction: &mut Transaction,
    current: &Review,
    rating: i64,
    comment: &str,
    now: OffsetDateTime,
) -> Result<Review, StoreError> {
    let done = sqlx::query(
        "UPDATE reviews SET rating = $1, comment = $2, updated_at = $3 WHERE id = $4 AND rating = $5",
    )
    .bind(rating)
    .bind(comment)
    .bind(to_db(now))
    .bind(current.id.to_string())
    .bind(current.rating)
    .execute(&mut **transaction)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    add_to_totals(transaction, current.product_id, 0, rating - current.rating).await?;
    find_review(&mut **transaction, current.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// Deletes a review and uncounts it; false when it was gone already.
pub async fn delete_review(
    transaction: &mut Transaction,
    review: &Review,
) -> Result<bool, StoreError> {
    let rating: Option<i64> =
        sqlx::query_scalar("DELETE FROM reviews WHERE id = $1 RETURNING rating")
            .bind(review.id.to_string())
            .fetch_optional(&mut **transaction)
            .await?;
    let Some(rating) = rating else {
        return Ok(false);
    };
    add_to_totals(transaction, review.product_id, -1, -rating).await?;
    Ok(true)
}

/// The review an author wrote of a product, if any.
pub async fn find_review_by_author(
    executor: impl Executor<'_, Database = Any>,
    product_id: Uuid,
    author_id: Uuid,
) -> Result<Option<Review>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM reviews WHERE product_id = $1 AND author_id = $2"
    ))
    .bind(product_id.to_string())
    .bind(author_id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

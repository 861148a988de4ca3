//! Reviews: one per user and product, a rating from 1 to 5 and a comment; changed by their
//! author, deleted by their author or an administrator. Each change moves the product's rating
//! totals in the same transaction.

use contracts::auth::Role;
use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::error::Error;
use crate::store::{self, ProductStatus, Review, StoreError};

/// The longest comment.
pub const MAX_COMMENT: usize = 2000;

/// A new review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// 1 to 5.
    pub rating: i64,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub comment: String,
}

/// A change to a review.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewChange {
    /// 1 to 5.
    pub rating: Option<i64>,
    /// Up to 2,000 characters.
    pub comment: Option<String>,
}

fn check_rating(rating: i64) -> Result<i64, Error> {
    if (1..=5).contains(&rating) {
        Ok(rating)
    } else {
        Err(Error::invalid(
            "rating",
            "out_of_range",
            "a whole number from 1 to 5",
        ))
    }
}

fn check_comment(comment: &str) -> Result<String, Error> {
    clean_text("comment", comment, 0, MAX_COMMENT).map_err(|e| Error::Invalid(vec![e]))
}

/// A product's reviews, newest first.
pub async fn list(
    state: &State,
    product_id: Uuid,
    after: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Review>, Error> {
    crate::app::products::get(state, product_id).await?;
    Ok(store::list_reviews(state.database.pool(), product_id, after, limit).await?)
}

/// The caller's review of an active product; a second one is a conflict pointing at the first.
pub async fn create(
    state: &State,
    caller: &Caller,
    product_id: Uuid,
    input: NewReview,
) -> Result<Review, Error> {
    let product = crate::app::products::get(state, product_id).await?;
    if product.status == ProductStatus::Archived {
        return Err(Error::Conflict("The product is archived.".into()));
    }
    let rating = check_rating(input.rating)?;
    let comment = check_comment(&input.comment)?;
    let now = platform::time::now();
    let review = Review {
        id: Uuid::now_v7(),
        product_id,
        author_id: caller.user_id,
        author_name: caller.name.chars().take(100).collect(),
        rating,
        comment,
        created_at: now,
        updated_at: now,
    };
    let mut transaction = state.database.begin().await?;
    match store::insert_review(&mut transaction, &review).await {
        Ok(()) => {}
        Err(StoreError::DuplicateReview(_)) => {
            drop(transaction);
            let existing =
                store::find_review_by_author(state.database.pool(), product_id, caller.user_id)
                    .await?;
            return Err(Error::DuplicateReview {
                product_id,
                review_id: existing.map(|review| review.id),
            });
        }
        Err(error) => return Err(error.into()),
    }
    transaction.commit().await?;
    Ok(review)
}

async fn find(state: &State, product_id: Uuid, review_id: Uuid) -> Result<Review, Error> {
    store::find_review(state.database.pool(), review_id)
        .await?
        .filter(|review| review.product_id == product_id)
        .ok_or(Error::NotFound)
}

/// Changes the caller's own review.
pub async fn update(
    state: &State,
    caller: &Caller,
    product_id: Uuid,
    review_id: Uuid,
    change: ReviewChange,
) -> Result<Review, Error> {
    let current = find(state, product_id, review_id).await?;
    if current.author_id != caller.user_id {
        return Err(Error::Forbidden);
    }
    let rating = change
        .rating
        .map(check_rating)
        .transpose()?
        .unwrap_or(current.rating);
    let comment = match change.comment {
        Some(comment) => check_comment(&comment)?,
        None => current.comment.clone(),
    };
    let mut transaction = state.database.begin().await?;
    let saved = store::update_review(
        &mut transaction,
        &current,
        rating,
        &comment,
        platform::time::now(),
    )
    .await?;
    transaction.commit().await?;
    Ok(saved)
}

/// Deletes a review (its author, or an administrator).
pub async fn delete(
    state: &State,
    caller: &Caller,
    product_id: Uuid,
    review_id: Uuid,
) -> Result<(), Error> {
    let current = find(state, product_id, review_id).await?;
    if current.author_id != caller.user_id && caller.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let mut transaction = state.database.begin().await?;
    if !store::delete_review(&mut transaction, &current).await? {
        return Err(Error::NotFound);
    }
    transaction.commit().await?;
    Ok(())
}

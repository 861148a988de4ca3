//! `/products/{id}/reviews`: what customers say of a product.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Unauthorized};
use platform::http::{Created, IdPath, Json, Query};
use platform::paging::{Page, PageParams};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::State;
use crate::app::reviews::{self, NewReview, ReviewChange};
use crate::store::Review;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews, create_review))
        .routes(routes!(update_review, delete_review))
}

/// A review as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    /// Its id.
    pub id: Uuid,
    /// The product.
    pub product_id: Uuid,
    /// Who wrote it.
    pub author_id: Uuid,
    /// The author's name.
    pub author_name: String,
    /// 1 to 5.
    pub rating: i64,
    /// What the author says.
    pub comment: String,
    /// Written (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Review> for ReviewView {
    fn from(review: Review) -> Self {
        Self {
            id: review.id,
            product_id: review.product_id,
            author_id: review.author_id,
            author_name: review.author_name,
            rating: review.rating,
            comment: review.comment,
            created_at: review.created_at,
            updated_at: review.updated_at,
        }
    }
}

/// A product's reviews, newest first. Anyone may read them.
#[utoipa::path(
    get, path = "/products/{id}/reviews", tag = "catalog",
    params(("id" = Uuid, Path, description = "The product id"), PageParams),
    responses(
        (status = 200, description = "A page of reviews", body = Page<ReviewView>),
        NotFound, Invalid,
    )
)]
async fn list_reviews(
    state: State,
    IdPath(id): IdPath<Uuid>,
    Query(paging): Query<PageParams>,
) -> Result<Json<Page<ReviewView>>, ApiError> {
    let limit = paging.limit()?;
    let after = paging.after_id()?;
    let found = reviews::list(&state, id, after, limit + 1).await?;
    let page = Page::from_rows(found, limit, |review| review.id.to_string());
    Ok(Json(page.map(ReviewView::from)))
}

/// Review a product (any signed-in user, once per product).
#[utoipa::path(
    post, path = "/products/{id}/reviews", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The product id")),
    request_body = NewReview,
    responses(
        (status = 201, description = "Written", body = ReviewView),
        (status = 409, description = "You reviewed it already (`existing` points there), or it is archived", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound, Invalid,
    )
)]
async fn create_review(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<NewReview>,
) -> Result<impl IntoResponse, ApiError> {
    let review = reviews::create(&state, &caller, id, body).await?;
    Ok(Created::new(ReviewView::from(review)))
}

/// Change your review.
#[utoipa::path(
    patch, path = "/products/{id}/reviews/{review_id}", tag = "catalog", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The product id"),
        ("review_id" = Uuid, Path, description = "The review id"),
    ),
    request_body = ReviewChange,
    responses(
        (status = 200, description = "Changed", body = ReviewView),
        Forbidden, NotFound, Invalid,
    )
)]
async fn update_review(
    state: State,
    caller: Caller,
    IdPath((id, review_id)): IdPath<(Uuid, Uuid)>,
    Json(body): Json<ReviewChange>,
) -> Result<Json<ReviewView>, ApiError> {
    let review = reviews::update(&state, &caller, id, review_id, body).await?;
    Ok(Json(review.into()))
}

/// Delete a review (its author, or an administrator).
#[utoipa::path(
    delete, path = "/products/{id}/reviews/{review_id}", tag = "catalog", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The product id"),
        ("review_id" = Uuid, Path, description = "The review id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        Forbidden, NotFound,
    )
)]
async fn delete_review(
    state: State,
    caller: Caller,
    IdPath((id, review_id)): IdPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    reviews::delete(&state, &caller, id, review_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

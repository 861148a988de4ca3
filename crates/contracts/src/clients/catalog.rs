//! What the orders service and the website read from and send to the catalog.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use crate::money::Money;

/// A product, as `GET /api/catalog/products/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Product {
    /// Its id.
    pub id: Uuid,
    /// `book`, `pet` or `good`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// What the shop says of it.
    pub description: String,
    /// Its category.
    pub category_id: Uuid,
    /// Its price now.
    pub price: Money,
    /// Units available.
    pub stock: i64,
    /// Addresses of its pictures.
    pub images: Vec<String>,
    /// Free labels.
    pub tags: Vec<String>,
    /// The attributes of its kind (a book's `author`, `isbn`, `publisher`; a pet's
    /// `species`, `breed`, `age_months`), as the catalog keeps them.
    pub attributes: serde_json::Value,
    /// A pet's state: `available`, `pending` or `sold`; none for other kinds.
    pub pet_status: Option<String>,
    /// `active` or `archived`.
    pub status: String,
    /// The seller who lists it (none: the shop's own).
    #[serde(default)]
    pub seller_id: Option<Uuid>,
    /// Its version (the `ETag`).
    #[serde(default)]
    pub version: i64,
    /// The mean of its reviews' ratings, when it has any.
    pub rating_average: Option<f64>,
    /// How many reviews it has.
    pub rating_count: i64,
    /// When it was listed.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A category, as `GET /api/catalog/categories` shows it (a tree: `children` nested).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Category {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The category it sits in, if any.
    pub parent_id: Option<Uuid>,
    /// The categories in it (in the tree view).
    #[serde(default)]
    pub children: Vec<Category>,
}

/// A review, as `GET /api/catalog/products/{id}/reviews` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Review {
    /// Its id.
    pub id: Uuid,
    /// The name its author chose to show.
    pub author_name: String,
    /// 1 to 5.
    pub rating: i64,
    /// What the author wrote.
    pub comment: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `POST /api/catalog/products/{id}/reviews`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewReview {
    /// 1 to 5.
    pub rating: i64,
    /// What the customer says.
    pub comment: String,
}

/// One line of a reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationLine {
    /// The product.
    pub product_id: Uuid,
    /// Units.
    pub quantity: i64,
}

/// `POST /api/catalog/reservations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewReservation {
    /// The order (the reservation's idempotency key).
    pub order_id: Uuid,
    /// Its lines, one per product.
    pub lines: Vec<ReservationLine>,
}

/// A reservation, as the catalog answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reservation {
    /// Its id.
    pub id: Uuid,
    /// `held`, `committed`, `released` or `expired`.
    pub status: String,
}

/// A line short of stock, from a 409 `insufficient-stock` problem's `details.lines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortLine {
    /// The product.
    pub product_id: Uuid,
    /// Units asked for.
    pub requested: i64,
    /// Units there are.
    pub available: i64,
}

/// `POST /api/catalog/products/{id}/stock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockAdjustment {
    /// Units added (positive) or taken (negative).
    pub delta: i64,
    /// Why.
    pub reason: String,
    /// What caused it: the catalog applies one adjustment per product and reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A recorded stock adjustment (`GET /api/catalog/products/{id}/stock`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

//! All of the catalog's SQL, one file per table. The same statements run on SQLite and
//! PostgreSQL, except full-text search (FTS5 there, `tsvector` here), which `products` writes
//! per backend.
//!
//! Categories and products carry a `version`; updates are guarded (`WHERE version = $n`), so two
//! concurrent writers cannot both apply a change computed from the same read.

mod categories;
mod products;
mod reviews;
mod search;
mod stock;

pub use categories::{
    Category, category_in_use, delete_category, find_category, insert_category, list_categories,
    update_category,
};
pub use products::{Product, ProductStatus, find_product, insert_product, update_product};
pub use reviews::{
    Review, delete_review, find_review, find_review_by_author, insert_review, list_reviews,
    update_review,
};
pub use search::{After, ProductQuery, Sort, search_products};
pub use stock::{
    Adjusted, Adjustment, Reservation, ReservationStatus, adjust_stock, available,
    expired_reservations, find_reservation, find_reservation_by_order, insert_reservation,
    insert_reservation_lines, list_adjustments, return_stock, sell, settle_reservation, take_stock,
};

/// What may go wrong that a caller acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A sibling category has this name (its id).
    #[error("a sibling category has this name")]
    DuplicateName(Option<uuid::Uuid>),
    /// A product or category names a category that does not exist.
    #[error("unknown category")]
    UnknownCategory,
    /// The order has a reservation already.
    #[error("the order has a reservation")]
    DuplicateOrder,
    /// The author reviewed this product already (the review's id).
    #[error("already reviewed")]
    DuplicateReview(Option<uuid::Uuid>),
    /// A category still holds products or categories.
    #[error("the category is in use")]
    InUse,
    /// The row changed since it was read.
    #[error("stale version")]
    Stale,
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored value that does not parse.
    #[error(transparent)]
    Corrupt(#[from] anyhow::Error),
}

pub(crate) use platform::db::parse_stored_uuid as uuid;

//! The shapes one service reads from another's API (the part it relies on), so that a change
//! on either side is a visible change to a wire format. Unknown fields are ignored: a service
//! may show more than its clients read.

/// What the orders service reads from and sends to the catalog.
pub mod catalog {
    use serde::{Deserialize, Serialize};
    use uuid::Uuid;

    pub use crate::money::Money;

    /// A product, as `GET /api/catalog/products/{id}` shows it.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    pub struct Product {
        /// Its id.
        pub id: Uuid,
        /// Its name.
        pub name: String,
        /// Its price now.
        pub price: Money,
        /// Units available.
        pub stock: i64,
        /// `active` or `archived`.
        pub status: String,
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
    }
}

//! What the website sends to and reads from the orders service.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::money::Money;

/// The header that carries a visitor's cart token.
pub const CART_TOKEN_HEADER: &str = "x-cart-token";

/// A cart, as `GET /api/orders/cart` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Cart {
    /// Its lines, oldest first.
    pub lines: Vec<CartLine>,
    /// Units in it.
    pub item_count: i64,
    /// The lines' total at today's prices.
    pub subtotal: Money,
    /// A visitor's cart token (first add only).
    pub cart_token: Option<String>,
}

/// One product in a cart.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CartLine {
    /// The product.
    pub product_id: Uuid,
    /// Its name.
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// Its price today.
    pub unit_price: Money,
    /// Its price when it went into the cart.
    pub price_when_added: Money,
    /// Whether the two differ.
    pub price_changed: bool,
    /// Units the catalog has.
    pub available: i64,
    /// `unavailable` (no longer sold) or `insufficient_stock`; none when it can be bought.
    pub problem: Option<String>,
    /// Quantity × today's price.
    pub line_total: Money,
}

/// `POST /api/orders/cart/items`.
#[derive(Debug, Clone, Serialize)]
pub struct NewCartItem {
    /// The product.
    pub product_id: Uuid,
    /// Units to add.
    pub quantity: i64,
}

/// `PATCH /api/orders/cart/items/{product_id}`.
#[derive(Debug, Clone, Serialize)]
pub struct QuantityChange {
    /// The new quantity.
    pub quantity: i64,
}

/// A way to deliver, as `GET /api/orders/delivery-options` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryOption {
    /// Its id.
    pub id: Uuid,
    /// Who carries it.
    pub carrier: String,
    /// Its name.
    pub name: String,
    /// What it costs.
    pub price: Money,
    /// Days it takes.
    pub estimated_days: i64,
    /// Offered at checkout (administrators also see those that are not).
    #[serde(default = "offered")]
    pub active: bool,
}

/// Where an order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The addressee.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Floor, door.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166 alpha-2.
    pub country: String,
}

/// A card, as the checkout takes it (never kept).
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Always `card`.
    pub method: &'static str,
    /// Its number.
    pub number: String,
    /// Month of expiry, 1 to 12.
    pub exp_month: i64,
    /// Year of expiry.
    pub exp_year: i64,
    /// The code on its back.
    pub cvc: String,
    /// The name on it.
    pub holder: String,
}

/// `POST /api/orders/checkout`.
#[derive(Debug, Clone, Serialize)]
pub struct Checkout {
    /// Where to send it.
    pub shipping_address: ShippingAddress,
    /// The delivery option's id.
    pub delivery_option: Uuid,
    /// How to pay.
    pub payment: Card,
}

/// An order, as `GET /api/orders/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Order {
    /// Its id (the order number).
    pub id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// `pending_payment`, `paid`, `payment_failed`, `shipped`, `delivered` or `cancelled`.
    pub status: String,
    /// Why it failed or was cancelled, as a code.
    pub status_reason: Option<String>,
    /// Its lines, at the prices charged.
    pub lines: Vec<OrderLine>,
    /// The lines' total.
    pub items_total: Money,
    /// How it travels.
    pub delivery: Delivery,
    /// What was charged.
    pub total: Money,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
    /// The card's brand and last four digits.
    pub payment: Payment,
    /// The shipment, once shipped.
    pub shipment: Option<Shipment>,
    /// When it was paid.
    #[serde(with = "time::serde::rfc3339::option")]
    pub paid_at: Option<OffsetDateTime>,
    /// When it was cancelled.
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    /// When it was placed.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderLine {
    /// The product.
    pub product_id: Uuid,
    /// Its name at the time.
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// The price charged for one.
    pub unit_price: Money,
    /// Quantity × unit price.
    pub line_total: Money,
}

/// An order's delivery.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Delivery {
    /// Who carries it.
    pub carrier: String,
    /// The option's name.
    pub name: String,
    /// What it cost.
    pub price: Money,
    /// Days it takes.
    pub estimated_days: i64,
}

/// How an order was paid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Payment {
    /// The card's brand.
    pub brand: String,
    /// Its last four digits.
    pub last4: String,
}

/// An order with the carrier.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Shipment {
    /// Who carries it.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
    /// When it left.
    #[serde(with = "time::serde::rfc3339")]
    pub shipped_at: OffsetDateTime,
    /// When it arrived.
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

/// `POST /api/orders/{id}/shipment`.
#[derive(Debug, Clone, Serialize)]
pub struct NewShipment {
    /// The carrier that took it.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
}

fn offered() -> bool {
    true
}

/// One day of `GET /api/orders/sales`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DaySales {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Orders paid that day that are still a sale.
    pub orders: i64,
    /// Their totals, one per currency.
    pub revenue: Vec<Money>,
}

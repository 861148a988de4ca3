//! What the orders service publishes.

use super::*;

/// A customer checked out: stock is reserved and payment is being taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderPlaced {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// What it costs, delivery included, in minor units.
    pub total_amount: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The products and units bought.
    pub lines: Vec<OrderedProduct>,
}

/// One line of a placed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderedProduct {
    /// The product.
    pub product_id: Uuid,
    /// Units.
    pub quantity: i64,
}

impl Event for OrderPlaced {
    const TYPE: &'static str = "tienda.orders.order.placed.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

/// The payment of an order was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderPaid {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// Charged, in minor units.
    pub amount: i64,
    /// ISO 4217 currency.
    pub currency: String,
}

impl Event for OrderPaid {
    const TYPE: &'static str = "tienda.orders.order.paid.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

/// The payment of an order was refused; its stock went back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderPaymentFailed {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// Why, as a code (`insufficient_funds`, `stolen_card`, ...).
    pub reason: String,
}

impl Event for OrderPaymentFailed {
    const TYPE: &'static str = "tienda.orders.order.payment_failed.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

/// An order was cancelled (and refunded, when it was paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderCancelled {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// Refunded, in minor units (0 when nothing was charged).
    pub refunded_amount: i64,
    /// Why.
    pub reason: String,
}

impl Event for OrderCancelled {
    const TYPE: &'static str = "tienda.orders.order.cancelled.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

/// An order left with a carrier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderShipped {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// The carrier.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
}

impl Event for OrderShipped {
    const TYPE: &'static str = "tienda.orders.order.shipped.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

/// An order reached the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OrderDelivered {
    /// The order.
    pub order_id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
}

impl Event for OrderDelivered {
    const TYPE: &'static str = "tienda.orders.order.delivered.v1";
    fn subject(&self) -> String {
        self.order_id.to_string()
    }
}

//! What the API shows: orders and carts. Shared by the routes and by the work that answers for
//! them later (a checkout finished by recovery stores the same answer its request would have).

use contracts::money::Money;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::address::ShippingAddress;
use crate::domain::status::OrderStatus;
use crate::store::{Order, PriceChange};

/// A line of an order: name and price at the time of purchase.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLineView {
    /// The product.
    pub product_id: Uuid,
    /// Its name when bought.
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// Price per unit when bought.
    pub unit_price: Money,
    /// `unit_price` × `quantity`.
    pub line_total: Money,
}

/// How an order travels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The option chosen.
    pub option_id: Uuid,
    /// Its carrier.
    pub carrier: String,
    /// Its name.
    pub name: String,
    /// What it cost.
    pub price: Money,
    /// Days to arrive, as estimated at checkout.
    pub estimated_days: i64,
}

/// The shipment, once staff hand the order to a carrier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShipmentView {
    /// The carrier.
    pub carrier: String,
    /// Its tracking number.
    pub tracking_number: String,
    /// Handed over (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub shipped_at: OffsetDateTime,
    /// Received (RFC 3339), once delivered.
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

/// The card paid with: never more than its network and last four digits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    /// Always `card`.
    pub method: String,
    /// `visa`, `mastercard`, `amex`, `discover` or `card`.
    pub brand: String,
    /// The last four digits.
    pub last4: String,
}

/// An order as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    /// Its id.
    pub id: Uuid,
    /// The customer's user id.
    pub user_id: Uuid,
    /// Where it is.
    pub status: OrderStatus,
    /// Why it failed or was cancelled (a decline code, a reason).
    pub status_reason: Option<String>,
    /// What was bought.
    pub lines: Vec<OrderLineView>,
    /// The lines' total.
    pub items_total: Money,
    /// How it travels, and at what price.
    pub delivery: DeliveryView,
    /// What the customer pays: lines and delivery.
    pub total: Money,
    /// Prices that changed between the cart and the checkout: the order is at the new ones.
    pub price_changes: Vec<PriceChange>,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
    /// How it was paid.
    pub payment: PaymentView,
    /// The shipment, once shipped.
    pub shipment: Option<ShipmentView>,
    /// Paid (RFC 3339).
    #[serde(with = "time::serde::rfc3339::option")]
    pub paid_at: Option<OffsetDateTime>,
    /// Cancelled or refunded (RFC 3339).
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    /// Placed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Order> for OrderView {
    fn from(order: Order) -> Self {
        let currency = order.currency.clone();
        let shipment = match (
            order.tracking_carrier,
            order.tracking_number,
            order.shipped_at,
        ) {
            (Some(carrier), Some(tracking_number), Some(shipped_at)) => Some(ShipmentView {
                carrier,
                tracking_number,
                shipped_at,
                delivered_at: order.delivered_at,
            }),
            _ => None,
        };
        Self {
            id: order.id,
            user_id: order.user_id,
            status: order.status,
            status_reason: order.status_reason,
            lines: order
                .lines
                .into_iter()
                .map(|line| OrderLineView {
                    product_id: line.product_id,
                    name: line.name,
                    quantity: line.quantity,
                    unit_price: Money::new(line.unit_amount, &currency),
                    line_total: Money::new(line.unit_amount * line.quantity, &currency),
                })
                .collect(),
            items_total: Money::new(order.items_amount, &currency),
            delivery: DeliveryView {
                option_id: order.delivery_option_id,
                carrier: order.delivery_carrier,
                name: order.delivery_name,
                price: Money::new(order.delivery_amount, &currency),
                estimated_days: order.estimated_days,
            },
            total: Money::new(order.total_amount, &currency),
            price_changes: order.price_changes,
            shipping_address: order.shipping_address,
            payment: PaymentView {
                method: "card".to_owned(),
                brand: order.card_brand,
                last4: order.card_last4,
            },
            shipment,
            paid_at: order.paid_at,
            cancelled_at: order.cancelled_at,
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }
}

/// Why a cart line cannot be bought as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineProblem {
    /// The catalog no longer sells it (archived or gone).
    Unavailable,
    /// Fewer units are in stock than the line asks for.
    InsufficientStock,
}

/// A line of a cart, at the catalog's current price.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CartLineView {
    /// The product.
    pub product_id: Uuid,
    /// Its name now (empty when the catalog no longer has it).
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// Price per unit now.
    pub unit_price: Money,
    /// Price per unit when it went into the cart.
    pub price_when_added: Money,
    /// The price moved since it went into the cart.
    pub price_changed: bool,
    /// Units in stock now.
    pub available: i64,
    /// Why it cannot be bought as it is; `null` when it can.
    pub problem: Option<LineProblem>,
    /// `unit_price` × `quantity`.
    pub line_total: Money,
}

/// A cart as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CartView {
    /// The lines, oldest first.
    pub lines: Vec<CartLineView>,
    /// Units in the cart.
    pub item_count: i64,
    /// The total of the lines that can be bought, at current prices.
    pub subtotal: Money,
    /// A visitor's cart token: send it back as `X-Cart-Token` (and once more with your access
    /// token after logging in, to merge the carts). `null` for a customer's cart.
    pub cart_token: Option<String>,
}

//! Event payloads: what one service tells the others happened. Each payload names its
//! CloudEvents `type`, versioned in the name (`tienda.<service>.<thing>.<happened>.v1`): a change
//! that breaks a consumer is a new type (`.v2`) published beside the old one until no consumer
//! reads the old. The `subject` is the id of the thing the event is about; events about one
//! subject are delivered in the order they happened.

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::Role;

/// A payload that travels in an event envelope.
pub trait Event: Serialize + DeserializeOwned + Send + 'static {
    /// The CloudEvents `type`.
    const TYPE: &'static str;

    /// The CloudEvents `subject`: the id of what the event is about.
    fn subject(&self) -> String;
}

/// Events identity publishes about accounts.
pub mod identity {
    use super::*;

    /// A new account: registered by its owner, or the first administrator made on start.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct UserRegistered {
        /// The account.
        pub user_id: Uuid,
        /// Its normalised email.
        pub email: String,
        /// The name it gave.
        pub name: String,
        /// Its role.
        pub role: Role,
    }

    impl Event for UserRegistered {
        const TYPE: &'static str = "tienda.identity.user.registered.v1";
        fn subject(&self) -> String {
            self.user_id.to_string()
        }
    }

    /// An administrator changed an account's role.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct UserRoleChanged {
        /// The account.
        pub user_id: Uuid,
        /// Its email.
        pub email: String,
        /// Its name.
        pub name: String,
        /// The role it had.
        pub previous_role: Role,
        /// The role it has now.
        pub role: Role,
    }

    impl Event for UserRoleChanged {
        const TYPE: &'static str = "tienda.identity.user.role_changed.v1";
        fn subject(&self) -> String {
            self.user_id.to_string()
        }
    }

    /// An account was deleted: it can no longer sign in, and its sessions are gone.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct UserDeleted {
        /// The account that was.
        pub user_id: Uuid,
    }

    impl Event for UserDeleted {
        const TYPE: &'static str = "tienda.identity.user.deleted.v1";
        fn subject(&self) -> String {
            self.user_id.to_string()
        }
    }
}

/// Events the customers service publishes about customer records.
pub mod customers {
    use super::*;

    /// What the other services may know of a customer record.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct CustomerSnapshot {
        /// The record.
        pub customer_id: Uuid,
        /// The account linked to it, if any.
        pub user_id: Option<Uuid>,
        /// Its email.
        pub email: String,
        /// Given name.
        pub given_name: String,
        /// Family name.
        pub family_name: String,
        /// `active` or `deleted` (restorable for a while).
        pub status: String,
    }

    /// A customer record was made (by staff, or for a new account).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct CustomerCreated {
        /// The record as made.
        #[serde(flatten)]
        pub customer: CustomerSnapshot,
    }

    impl Event for CustomerCreated {
        const TYPE: &'static str = "tienda.customers.customer.created.v1";
        fn subject(&self) -> String {
            self.customer.customer_id.to_string()
        }
    }

    /// A customer record changed: its data, its account link or its status.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct CustomerUpdated {
        /// The record as it is now.
        #[serde(flatten)]
        pub customer: CustomerSnapshot,
    }

    impl Event for CustomerUpdated {
        const TYPE: &'static str = "tienda.customers.customer.updated.v1";
        fn subject(&self) -> String {
            self.customer.customer_id.to_string()
        }
    }

    /// A customer's personal data was erased: every service that copied any of it must erase
    /// its copy. It names the record and the account, and carries no personal data itself.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct CustomerErased {
        /// The record, whose id stays.
        pub customer_id: Uuid,
        /// The account that was linked to it, if any.
        pub user_id: Option<Uuid>,
    }

    impl Event for CustomerErased {
        const TYPE: &'static str = "tienda.customers.customer.erased.v1";
        fn subject(&self) -> String {
            self.customer_id.to_string()
        }
    }
}

/// Events the support service publishes about incidents.
pub mod support {
    use super::*;

    /// An incident was opened.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct IncidentOpened {
        /// The incident.
        pub incident_id: Uuid,
        /// The customer record it concerns, if known.
        pub customer_id: Option<Uuid>,
        /// The account that reported it, if any.
        pub requester_user_id: Option<Uuid>,
        /// `product`, `order`, `billing`, `service` or `other`.
        pub category: String,
        /// `low`, `normal`, `high` or `urgent`.
        pub priority: String,
    }

    impl Event for IncidentOpened {
        const TYPE: &'static str = "tienda.support.incident.opened.v1";
        fn subject(&self) -> String {
            self.incident_id.to_string()
        }
    }

    /// An incident moved from one status to another.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct IncidentStatusChanged {
        /// The incident.
        pub incident_id: Uuid,
        /// The status it had.
        pub from: String,
        /// The status it has now.
        pub to: String,
    }

    impl Event for IncidentStatusChanged {
        const TYPE: &'static str = "tienda.support.incident.status_changed.v1";
        fn subject(&self) -> String {
            self.incident_id.to_string()
        }
    }
}

/// Events the catalog publishes about categories and products.
pub mod catalog {
    use super::*;

    /// A category was made.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct CategoryCreated {
        /// The category.
        pub category_id: Uuid,
        /// The category it sits in, if any.
        pub parent_id: Option<Uuid>,
        /// Its name.
        pub name: String,
    }

    impl Event for CategoryCreated {
        const TYPE: &'static str = "tienda.catalog.category.created.v1";
        fn subject(&self) -> String {
            self.category_id.to_string()
        }
    }

    /// What other services may know of a product.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct ProductSnapshot {
        /// The product.
        pub product_id: Uuid,
        /// `book`, `pet` or `item`.
        pub kind: String,
        /// Its name.
        pub name: String,
        /// Its category.
        pub category_id: Uuid,
        /// Price in minor units.
        pub price_amount: i64,
        /// ISO 4217 currency.
        pub price_currency: String,
        /// Units available.
        pub stock: i64,
        /// The seller who owns it, if not the shop.
        pub seller_id: Option<Uuid>,
        /// `active` or `archived`.
        pub status: String,
    }

    /// A product was listed.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct ProductCreated {
        /// The product as listed.
        #[serde(flatten)]
        pub product: ProductSnapshot,
    }

    impl Event for ProductCreated {
        const TYPE: &'static str = "tienda.catalog.product.created.v1";
        fn subject(&self) -> String {
            self.product.product_id.to_string()
        }
    }

    /// A product changed (any field).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct ProductUpdated {
        /// The product as it is now.
        #[serde(flatten)]
        pub product: ProductSnapshot,
    }

    impl Event for ProductUpdated {
        const TYPE: &'static str = "tienda.catalog.product.updated.v1";
        fn subject(&self) -> String {
            self.product.product_id.to_string()
        }
    }

    /// A product left the listings; old orders and reviews still resolve it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct ProductArchived {
        /// The product.
        pub product_id: Uuid,
    }

    impl Event for ProductArchived {
        const TYPE: &'static str = "tienda.catalog.product.archived.v1";
        fn subject(&self) -> String {
            self.product_id.to_string()
        }
    }

    /// A product's price changed.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct PriceChanged {
        /// The product.
        pub product_id: Uuid,
        /// The price before, in minor units.
        pub previous_amount: i64,
        /// The price now, in minor units.
        pub amount: i64,
        /// ISO 4217 currency (of the new price).
        pub currency: String,
    }

    impl Event for PriceChanged {
        const TYPE: &'static str = "tienda.catalog.product.price_changed.v1";
        fn subject(&self) -> String {
            self.product_id.to_string()
        }
    }

    /// A product's stock reached zero.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
    pub struct StockDepleted {
        /// The product.
        pub product_id: Uuid,
    }

    impl Event for StockDepleted {
        const TYPE: &'static str = "tienda.catalog.product.stock_depleted.v1";
        fn subject(&self) -> String {
            self.product_id.to_string()
        }
    }
}

/// What the orders service publishes.
pub mod orders {
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
}

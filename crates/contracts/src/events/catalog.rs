//! Events the catalog publishes about categories and products.

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

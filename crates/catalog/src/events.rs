//! What the catalog tells the other services. It consumes nothing yet.
//!
//! Publishes (in the transaction of each change): `category.created`, `product.created`,
//! `product.updated`, `product.archived`, `product.price_changed` (beside `updated`) and
//! `product.stock_depleted` (when stock reaches zero).

use contracts::events::catalog::ProductSnapshot;

use crate::store::Product;

/// What other services may know of a product.
pub fn snapshot(product: &Product) -> ProductSnapshot {
    ProductSnapshot {
        product_id: product.id,
        kind: product.kind.as_str().to_owned(),
        name: product.name.clone(),
        category_id: product.category_id,
        price_amount: product.price.amount,
        price_currency: product.price.currency.clone(),
        stock: product.stock,
        seller_id: product.seller_id,
        status: product.status.as_str().to_owned(),
    }
}

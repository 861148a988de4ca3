//! The catalog: products, categories, reviews. Reading needs no token.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use contracts::clients::Page;
use contracts::clients::catalog::{
    Adjustment, Category, NewReview, Product, Review, StockAdjustment,
};
use platform::client::{ClientError, ServiceClient};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::cache::ReadCache;
use super::{CallError, NO_BODY, exchange, read};

const PREFIX: &str = "/api/catalog";

/// A client of the catalog service; its public reads are kept for a moment ([`ReadCache`]).
#[derive(Debug, Clone)]
pub struct CatalogClient {
    pub(super) client: ServiceClient,
    pub(super) cache: Arc<ReadCache>,
}

/// A search of the catalog, as `GET /api/catalog/products` takes it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ProductQuery {
    /// Words to search for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// A category (its subcategories included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Uuid>,
    /// `book`, `pet` or `item`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Lowest price, minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_price: Option<i64>,
    /// Highest price, minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_price: Option<i64>,
    /// A tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only what can be bought now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_stock: Option<bool>,
    /// Only this seller's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller: Option<Uuid>,
    /// `relevance`, `newest`, `price_asc`, `price_desc` or `rating`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Where the page starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

impl CatalogClient {
    /// A public read: from the cache when it is fresh, else asked and kept (2xx only).
    async fn public_read<T: DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        if let Some(body) = self.cache.get(path) {
            return serde_json::from_slice(&body).map_err(|error| {
                CallError::from(ClientError::Unexpected {
                    service: "catalog",
                    status: StatusCode::OK,
                    reason: error.to_string(),
                })
            });
        }
        let reply = self.client.call(Method::GET, path, None, NO_BODY).await?;
        if reply.status.is_success() {
            self.cache.put(path, reply.body.clone());
        }
        read(reply)
    }

    /// A page of products matching `query`.
    pub async fn products(&self, query: &ProductQuery) -> Result<Page<Product>, CallError> {
        let query = serde_urlencoded::to_string(query).unwrap_or_default();
        self.public_read(&format!("{PREFIX}/products?{query}"))
            .await
    }

    /// One product.
    pub async fn product(&self, id: Uuid) -> Result<Product, CallError> {
        self.public_read(&format!("{PREFIX}/products/{id}")).await
    }

    /// The category tree.
    pub async fn categories(&self) -> Result<Vec<Category>, CallError> {
        #[derive(serde::Deserialize)]
        struct Tree {
            items: Vec<Category>,
        }
        let tree: Tree = self.public_read(&format!("{PREFIX}/categories")).await?;
        Ok(tree.items)
    }

    /// The first page of a product's reviews (up to 100), newest first.
    pub async fn reviews(&self, product: Uuid) -> Result<Page<Review>, CallError> {
        self.public_read(&format!("{PREFIX}/products/{product}/reviews?limit=100"))
            .await
    }

    /// Writes a review as the caller.
    pub async fn review(
        &self,
        token: &str,
        product: Uuid,
        review: &NewReview,
    ) -> Result<Review, CallError> {
        let path = format!("{PREFIX}/products/{product}/reviews");
        let written = exchange(
            &self.client,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(review),
        )
        .await;
        // The writer sees their review (and the new average) at once.
        self.cache.forget(&product.to_string());
        written
    }

    /// Lists a product as the caller (a seller's own, or the shop's for an administrator):
    /// `product` is the body of `POST /api/catalog/products`.
    pub async fn create(
        &self,
        token: &str,
        product: &serde_json::Value,
    ) -> Result<Product, CallError> {
        let path = format!("{PREFIX}/products");
        exchange(
            &self.client,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(product),
        )
        .await
    }

    /// Changes a product, if it is still at `version` (else 412); `change` is the body of
    /// `PATCH /api/catalog/products/{id}`.
    pub async fn change(
        &self,
        token: &str,
        id: Uuid,
        version: i64,
        change: &serde_json::Value,
    ) -> Result<Product, CallError> {
        let path = format!("{PREFIX}/products/{id}");
        let if_match = format!("\"{version}\"");
        let headers = [("if-match", if_match.as_str())];
        let changed = exchange(
            &self.client,
            Method::PATCH,
            &path,
            Some(token),
            &headers,
            Some(change),
        )
        .await;
        self.cache.forget(&id.to_string());
        changed
    }

    /// Makes a category (administrators): `{name, parent_id}`.
    pub async fn create_category(
        &self,
        token: &str,
        category: &serde_json::Value,
    ) -> Result<Category, CallError> {
        let path = format!("{PREFIX}/categories");
        let made = exchange(
            &self.client,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(category),
        )
        .await;
        self.cache.forget("/categories");
        made
    }

    /// Renames or moves a category (administrators): `{name}` or `{parent_id}`.
    pub async fn change_category(
        &self,
        token: &str,
        id: Uuid,
        change: &serde_json::Value,
    ) -> Result<Category, CallError> {
        let path = format!("{PREFIX}/categories/{id}");
        let changed = exchange(
            &self.client,
            Method::PATCH,
            &path,
            Some(token),
            &[],
            Some(change),
        )
        .await;
        self.cache.forget("/categories");
        changed
    }

    /// Deletes an empty category (administrators).
    pub async fn delete_category(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        let path = format!("{PREFIX}/categories/{id}");
        let deleted = super::act(&self.client, Method::DELETE, &path, token).await;
        self.cache.forget("/categories");
        deleted
    }

    /// Deletes a review (administrators, or its author).
    pub async fn delete_review(
        &self,
        token: &str,
        product: Uuid,
        review: Uuid,
    ) -> Result<(), CallError> {
        let path = format!("{PREFIX}/products/{product}/reviews/{review}");
        let deleted = super::act(&self.client, Method::DELETE, &path, token).await;
        self.cache.forget(&product.to_string());
        deleted
    }

    /// Archives a product: no longer sold, still named by old orders.
    pub async fn archive(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        let path = format!("{PREFIX}/products/{id}");
        let archived = super::act(&self.client, Method::DELETE, &path, token).await;
        self.cache.forget(&id.to_string());
        archived
    }

    /// A product as it is now, past the cache (after a change).
    pub async fn fresh_product(&self, id: Uuid) -> Result<Product, CallError> {
        let path = format!("{PREFIX}/products/{id}");
        exchange(&self.client, Method::GET, &path, None, &[], NO_BODY).await
    }

    /// A product's latest stock adjustments, newest first.
    pub async fn stock_history(&self, token: &str, id: Uuid) -> Result<Vec<Adjustment>, CallError> {
        let path = format!("{PREFIX}/products/{id}/stock");
        exchange(&self.client, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Adds to or takes from a product's stock, with the reason recorded.
    pub async fn adjust_stock(
        &self,
        token: &str,
        id: Uuid,
        adjustment: &StockAdjustment,
    ) -> Result<Product, CallError> {
        let path = format!("{PREFIX}/products/{id}/stock");
        let adjusted = exchange(
            &self.client,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(adjustment),
        )
        .await;
        // The shop shows the new stock at once.
        self.cache.forget(&id.to_string());
        adjusted
    }
}

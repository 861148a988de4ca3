//! The catalog: products, categories, reviews. Reading needs no token.

use axum::http::Method;
use contracts::clients::Page;
use contracts::clients::catalog::{Category, NewReview, Product, Review};
use platform::client::ServiceClient;
use serde::Serialize;
use uuid::Uuid;

use super::{CallError, NO_BODY, exchange};

const PREFIX: &str = "/api/catalog";

/// A client of the catalog service.
#[derive(Debug, Clone)]
pub struct CatalogClient(pub(super) ServiceClient);

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
    /// A page of products matching `query`.
    pub async fn products(&self, query: &ProductQuery) -> Result<Page<Product>, CallError> {
        let query = serde_urlencoded::to_string(query).unwrap_or_default();
        let path = format!("{PREFIX}/products?{query}");
        exchange(&self.0, Method::GET, &path, None, &[], NO_BODY).await
    }

    /// One product.
    pub async fn product(&self, id: Uuid) -> Result<Product, CallError> {
        let path = format!("{PREFIX}/products/{id}");
        exchange(&self.0, Method::GET, &path, None, &[], NO_BODY).await
    }

    /// The category tree.
    pub async fn categories(&self) -> Result<Vec<Category>, CallError> {
        #[derive(serde::Deserialize)]
        struct Tree {
            items: Vec<Category>,
        }
        let path = format!("{PREFIX}/categories");
        let tree: Tree = exchange(&self.0, Method::GET, &path, None, &[], NO_BODY).await?;
        Ok(tree.items)
    }

    /// The first page of a product's reviews (up to 100), newest first.
    pub async fn reviews(&self, product: Uuid) -> Result<Page<Review>, CallError> {
        let path = format!("{PREFIX}/products/{product}/reviews?limit=100");
        exchange(&self.0, Method::GET, &path, None, &[], NO_BODY).await
    }

    /// Writes a review as the caller.
    pub async fn review(
        &self,
        token: &str,
        product: Uuid,
        review: &NewReview,
    ) -> Result<Review, CallError> {
        let path = format!("{PREFIX}/products/{product}/reviews");
        exchange(&self.0, Method::POST, &path, Some(token), &[], Some(review)).await
    }
}

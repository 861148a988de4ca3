//! `/products`: search and listing, and each product's life.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Sellers};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale, Unauthorized};
use platform::http::{Created, IdPath, IfMatch, Json, Query, etag};
use platform::paging::{Page, PageParams, forged_cursor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::State;
use crate::app::products::{self, NewProduct, ProductChange};
use crate::domain::product::{Kind, PetStatus, parse_tags};
use crate::store::{After, Product, ProductQuery, Sort};
use contracts::money::Money;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product, archive_product))
}

/// A product as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    /// Its id.
    pub id: Uuid,
    /// `book`, `pet` or `item`.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category_id: Uuid,
    /// Its price.
    pub price: Money,
    /// Units available.
    pub stock: i64,
    /// Image URLs.
    pub images: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The kind's attributes.
    #[schema(value_type = Object)]
    pub attributes: Value,
    /// A pet's sale status (pets only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pet_status: Option<PetStatus>,
    /// `active` or `archived`.
    pub status: String,
    /// The seller who owns it; `null` for the shop's own products.
    pub seller_id: Option<Uuid>,
    /// The mean review rating; `null` without reviews.
    pub rating_average: Option<f64>,
    /// How many reviews.
    pub rating_count: i64,
    /// Its version (the ETag).
    pub version: i64,
    /// Listed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Product> for ProductView {
    fn from(product: Product) -> Self {
        Self {
            rating_average: product.rating_average(),
            id: product.id,
            kind: product.kind,
            name: product.name,
            description: product.description,
            category_id: product.category_id,
            price: product.price,
            stock: product.stock,
            images: product.images,
            tags: product.tags,
            attributes: product.attributes,
            pet_status: product.pet_status,
            status: product.status.as_str().to_owned(),
            seller_id: product.seller_id,
            rating_count: product.rating_count,
            version: product.version,
            created_at: product.created_at,
            updated_at: product.updated_at,
        }
    }
}

/// The orders of the product list.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortParam {
    /// Best text match first (the default with `q`; needs `q`).
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Newest first (the default without `q`).
    Newest,
    /// Best rated first.
    Rating,
}

/// Search, filters, order and paging of the product list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductListQuery {
    /// Words to find in the name, description, author or tags (each word, as a prefix).
    pub q: Option<String>,
    /// Only in this category or those below it.
    pub category: Option<Uuid>,
    /// Only of this kind.
    pub kind: Option<Kind>,
    /// Only at this price or above (minor units).
    pub min_price: Option<i64>,
    /// Only at this price or below (minor units).
    pub max_price: Option<i64>,
    /// Only with this tag.
    pub tag: Option<String>,
    /// `true`: only with stock; `false`: only without.
    pub in_stock: Option<bool>,
    /// Only this seller's.
    pub seller: Option<Uuid>,
    /// The order.
    #[param(inline)]
    pub sort: Option<SortParam>,
    /// How many, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (with the same filters and order).
    pub cursor: Option<String>,
}

/// The most words a search takes.
const MAX_WORDS: usize = 10;

/// The words of a search: letters and digits, lowercased, each at most 40 characters.
fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| word.to_lowercase().chars().take(40).collect())
        .take(MAX_WORDS)
        .collect()
}

fn parse_query(query: ProductListQuery) -> Result<ProductQuery, ApiError> {
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = paging.limit()?;
    let text = platform::text::search_filter("q", query.q.as_deref(), 200)?;
    let words = text.as_deref().map(words).unwrap_or_default();
    if text.is_some() && words.is_empty() {
        return Err(ApiError::invalid(
            "q",
            "invalid",
            "search for words: letters or digits",
        ));
    }
    let sort = match (query.sort, words.is_empty()) {
        (Some(SortParam::Relevance), true) => {
            return Err(ApiError::invalid("sort", "invalid", "relevance needs `q`"));
        }
        (Some(SortParam::Relevance), false) | (None, false) => Sort::Relevance,
        (None, true) | (Some(SortParam::Newest), _) => Sort::Newest,
        (Some(SortParam::PriceAsc), _) => Sort::PriceAscending,
        (Some(SortParam::PriceDesc), _) => Sort::PriceDescending,
        (Some(SortParam::Rating), _) => Sort::Rating,
    };
    for (field, price) in [
        ("min_price", query.min_price),
        ("max_price", query.max_price),
    ] {
        if price.is_some_and(|price| price < 0) {
            return Err(ApiError::invalid(
                field,
                "out_of_range",
                "a price is not negative",
            ));
        }
    }
    if let (Some(min), Some(max)) = (query.min_price, query.max_price)
        && min > max
    {
        return Err(ApiError::invalid(
            "min_price",
            "out_of_range",
            "min_price is above max_price",
        ));
    }
    let tag = match query.tag.as_deref() {
        Some(tag) => Some(
            parse_tags(&[tag.to_owned()])
                .map_err(ApiError::Validation)?
                .into_iter()
                .next()
                .ok_or_else(|| ApiError::invalid("tag", "invalid", "an empty tag"))?,
        ),
        None => None,
    };
    let after = paging
        .cursor()?
        .map(|cursor| After::decode(&cursor, sort).ok_or_else(forged_cursor))
        .transpose()?;
    Ok(ProductQuery {
        words,
        category: query.category,
        kind: query.kind,
        min_price: query.min_price,
        max_price: query.max_price,
        tag,
        in_stock: query.in_stock,
        seller: query.seller,
        sort,
        after,
        limit: limit + 1,
    })
}

/// Search and list the active products. Anyone may; no token needed.
#[utoipa::path(
    get, path = "/products", tag = "catalog",
    params(ProductListQuery),
    responses(
        (status = 200, description = "A page of products", body = Page<ProductView>),
        Invalid,
    )
)]
async fn list_products(
    state: State,
    Query(query): Query<ProductListQuery>,
) -> Result<Json<Page<ProductView>>, ApiError> {
    let query = parse_query(query)?;
    let found = products::search(&state, &query).await?;
    let page = Page::from_rows(found, query.limit - 1, |(_, after)| after.encode());
    Ok(Json(page.map(|(product, _)| product.into())))
}

/// List a product (sellers and administrators). A seller's product is the seller's; an
/// administrator's is the shop's. `seller_id`, `rating_*` and `status` cannot be sent.
#[utoipa::path(
    post, path = "/products", tag = "catalog", security(("bearer" = [])),
    request_body = NewProduct,
    responses(
        (status = 201, description = "Listed; ETag is its version", body = ProductView),
        Unauthorized, Forbidden, Invalid,
    )
)]
async fn create_product(
    state: State,
    Allowed(caller, _): Allowed<Sellers>,
    Json(body): Json<NewProduct>,
) -> Result<impl IntoResponse, ApiError> {
    let product = products::create(&state, &caller, body).await?;
    let location = format!("{}/products/{}", crate::PREFIX, product.id);
    let version = product.version;
    Ok(Created::at(location, ProductView::from(product)).with_version(version))
}

/// One product, archived ones too (old orders and reviews still name them).
#[utoipa::path(
    get, path = "/products/{id}", tag = "catalog",
    params(("id" = Uuid, Path, description = "The product id")),
    responses(
        (status = 200, description = "The product; ETag is its version", body = ProductView),
        NotFound,
    )
)]
async fn get_product(
    state: State,
    IdPath(id): IdPath<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let product = products::get(&state, id).await?;
    Ok(([etag(product.version)], Json(ProductView::from(product))))
}

/// Change a product (its seller, or an administrator). Send `If-Match` with the ETag you read
/// to be told (412) when it changed since.
#[utoipa::path(
    patch, path = "/products/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The product id")),
    request_body = ProductChange,
    responses(
        (status = 200, description = "The changed product; ETag is its new version", body = ProductView),
        (status = 409, description = "Archived", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Stale, Invalid,
    )
)]
async fn update_product(
    state: State,
    Allowed(caller, _): Allowed<Sellers>,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
    Json(body): Json<ProductChange>,
) -> Result<impl IntoResponse, ApiError> {
    let product = products::update(&state, &caller, id, &if_match, body).await?;
    Ok(([etag(product.version)], Json(ProductView::from(product))))
}

/// Archive a product (its seller, or an administrator): it leaves the listings, and still
/// resolves by id. Archiving an archived product changes nothing.
#[utoipa::path(
    delete, path = "/products/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The product id")),
    responses(
        (status = 204, description = "Archived"),
        Forbidden, NotFound, Stale,
    )
)]
async fn archive_product(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
) -> Result<StatusCode, ApiError> {
    products::archive(&state, &caller, id, &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/cart`: the shopper's cart.

use platform::ApiError;
use platform::error::Problem;
use platform::http::problems::{Invalid, NotFound, Unauthorized, Unavailable};
use platform::http::{IdPath, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::State;
use crate::app::carts::{self, NewItem, QuantityChange, Shopper};
use crate::app::views::CartView;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(get_cart))
        .routes(routes!(add_item))
        .routes(routes!(change_item, remove_item))
}

/// The shopper's cart at current prices, with lines the catalog no longer sells (or has too
/// few of) flagged. Send an access token, a visitor's `X-Cart-Token`, or both (right after a
/// login: the visitor's cart is merged into the customer's).
#[utoipa::path(
    get, path = "/cart", tag = "orders",
    params(("X-Cart-Token" = Option<String>, Header, description = "A visitor's cart token")),
    responses(
        (status = 200, description = "The cart (empty when there is none)", body = CartView),
        Unauthorized, Unavailable,
    )
)]
async fn get_cart(state: State, shopper: Shopper) -> Result<Json<CartView>, ApiError> {
    Ok(Json(carts::view(&state, &shopper).await?))
}

/// Put a product in the cart; a product already there gets the units added. A visitor's first
/// add makes a cart and answers its `cart_token`.
#[utoipa::path(
    post, path = "/cart/items", tag = "orders",
    params(("X-Cart-Token" = Option<String>, Header, description = "A visitor's cart token")),
    request_body = NewItem,
    responses(
        (status = 200, description = "The cart", body = CartView),
        (status = 409, description = "Not that many in stock, or the cart is full", body = Problem, content_type = "application/problem+json"),
        Invalid,
    )
)]
async fn add_item(
    state: State,
    shopper: Shopper,
    Json(body): Json<NewItem>,
) -> Result<Json<CartView>, ApiError> {
    Ok(Json(carts::add(&state, &shopper, body).await?))
}

/// Set a line's quantity; 0 takes it out.
#[utoipa::path(
    patch, path = "/cart/items/{product_id}", tag = "orders",
    params(
        ("product_id" = uuid::Uuid, Path, description = "The product"),
        ("X-Cart-Token" = Option<String>, Header, description = "A visitor's cart token"),
    ),
    request_body = QuantityChange,
    responses(
        (status = 200, description = "The cart", body = CartView),
        NotFound, Invalid,
    )
)]
async fn change_item(
    state: State,
    shopper: Shopper,
    IdPath(product_id): IdPath<uuid::Uuid>,
    Json(body): Json<QuantityChange>,
) -> Result<Json<CartView>, ApiError> {
    Ok(Json(
        carts::change(&state, &shopper, product_id, body).await?,
    ))
}

/// Take a product out of the cart.
#[utoipa::path(
    delete, path = "/cart/items/{product_id}", tag = "orders",
    params(
        ("product_id" = uuid::Uuid, Path, description = "The product"),
        ("X-Cart-Token" = Option<String>, Header, description = "A visitor's cart token"),
    ),
    responses(
        (status = 200, description = "The cart", body = CartView),
        NotFound,
    )
)]
async fn remove_item(
    state: State,
    shopper: Shopper,
    IdPath(product_id): IdPath<uuid::Uuid>,
) -> Result<Json<CartView>, ApiError> {
    Ok(Json(carts::remove(&state, &shopper, product_id).await?))
}

//! The cart: a visitor's (by the cart token the session keeps) or the customer's; lines that
//! became unavailable or changed price are shown as such; totals with a delivery option.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::orders::{Cart, DeliveryOption, NewCartItem};
use contracts::money::Money;
use serde::Deserialize;
use uuid::Uuid;

use super::{parse_id, render, see};
use crate::State;
use crate::clients::CallError;
use crate::clients::Shopper;
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/cart", get(cart_page))
        .route("/cart/items", post(add_item))
        .route("/cart/items/{id}", post(change_item))
        .route("/cart/items/{id}/remove", post(remove_item))
}

/// Whose cart a visit fills: the signed-in customer's (by a live access token), else the
/// visitor's (by the cart token the session keeps, if it has one yet).
pub(super) struct CartOwner {
    bearer: Option<String>,
    cart_token: Option<String>,
}

impl CartOwner {
    /// The owner of this visit's cart.
    async fn of(visit: &Visit) -> Result<Self, PageError> {
        let stored = visit.session.stored().await;
        let bearer = match stored.user {
            Some(_) => Some(visit.bearer().await?),
            None => None,
        };
        Ok(Self {
            bearer,
            cart_token: stored.cart_token,
        })
    }

    /// As the orders client takes it.
    fn shopper(&self) -> Shopper<'_> {
        Shopper {
            bearer: self.bearer.as_deref(),
            cart_token: self.cart_token.as_deref(),
        }
    }

    /// Whether it is a signed-in person's.
    fn signed_in(&self) -> bool {
        self.bearer.is_some()
    }
}

/// A cart line, as shown.
#[derive(Debug, Clone)]
pub struct LineView {
    /// The product.
    pub product_id: Uuid,
    /// Its name.
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// Its price now.
    pub unit_price: String,
    /// Quantity × price.
    pub line_total: String,
    /// "Was €10.00", when the price changed since it was added.
    pub price_was: Option<String>,
    /// Why it cannot be bought as it is, in words.
    pub problem: Option<String>,
    /// The most that can be chosen.
    pub max_quantity: i64,
}

/// A delivery option in the choice.
#[derive(Debug, Clone)]
pub struct DeliveryChoice {
    /// Its id.
    pub id: Uuid,
    /// "Express (Correos, 1 day)".
    pub label: String,
    /// Its price, formatted.
    pub price: String,
    /// Whether it is the one chosen.
    pub chosen: bool,
}

/// The cart and its totals, as the cart and checkout pages show them.
#[derive(Debug, Clone)]
pub struct CartSummary {
    /// The lines.
    pub lines: Vec<LineView>,
    /// Units.
    pub item_count: i64,
    /// The lines' total.
    pub subtotal: String,
    /// The delivery options.
    pub delivery: Vec<DeliveryChoice>,
    /// The chosen option's price.
    pub delivery_price: String,
    /// Subtotal and delivery.
    pub total: String,
    /// Whether every line can be bought.
    pub ready: bool,
    /// The chosen option's id.
    pub chosen: Option<Uuid>,
}

impl CartSummary {
    /// The cart with `options`, `chosen` (or the cheapest) selected.
    pub fn new(
        cart: &Cart,
        options: &[DeliveryOption],
        chosen: Option<Uuid>,
        layout: &Layout,
    ) -> Self {
        let words = layout.words;
        let chosen_option = chosen
            .and_then(|id| options.iter().find(|option| option.id == id))
            .or_else(|| {
                options
                    .iter()
                    .filter(|option| option.price.currency == cart.subtotal.currency)
                    .min_by_key(|option| option.price.amount)
            })
            .or_else(|| options.first());
        let delivery_amount = chosen_option.map_or(0, |option| option.price.amount);
        let lines: Vec<LineView> = cart
            .lines
            .iter()
            .map(|line| LineView {
                product_id: line.product_id,
                name: line.name.clone(),
                quantity: line.quantity,
                unit_price: words.money(&line.unit_price),
                line_total: words.money(&line.line_total),
                price_was: line.price_changed.then(|| {
                    words.t1(
                        "cart-price-was",
                        "price",
                        words.money(&line.price_when_added),
                    )
                }),
                problem: line.problem.as_ref().map(|problem| match problem.as_str() {
                    "insufficient_stock" => words.count("cart-problem-stock", line.available),
                    _ => words.t("cart-problem-unavailable"),
                }),
                max_quantity: line.available.clamp(line.quantity.max(1), 99),
            })
            .collect();
        Self {
            ready: !lines.is_empty() && lines.iter().all(|line| line.problem.is_none()),
            item_count: cart.item_count,
            subtotal: words.money(&cart.subtotal),
            delivery: options
                .iter()
                .map(|option| DeliveryChoice {
                    id: option.id,
                    label: words.t1(
                        "delivery-label",
                        "name",
                        format!(
                            "{} ({}, {})",
                            option.name,
                            option.carrier,
                            words.count("days", option.estimated_days)
                        ),
                    ),
                    price: words.money(&option.price),
                    chosen: chosen_option.is_some_and(|chosen| chosen.id == option.id),
                })
                .collect(),
            delivery_price: words.money(&Money::new(delivery_amount, &cart.subtotal.currency)),
            total: words.money(&Money::new(
                cart.subtotal.amount + delivery_amount,
                &cart.subtotal.currency,
            )),
            chosen: chosen_option.map(|option| option.id),
            lines,
        }
    }
}

/// The cart page.
#[derive(Template)]
#[template(path = "cart/cart.html")]
struct CartView {
    layout: Layout,
    summary: CartSummary,
    signed_in: bool,
}

#[derive(Debug, Deserialize)]
struct CartQuery {
    delivery: Option<String>,
}

async fn cart_page(visit: Visit, Query(query): Query<CartQuery>) -> Result<Response, PageError> {
    let owner = CartOwner::of(&visit).await?;
    let orders = &visit.state.clients.orders;
    let (cart, options) = tokio::join!(orders.cart(owner.shopper()), orders.delivery_options());
    let chosen = query.delivery.and_then(|id| id.parse().ok());
    let summary = CartSummary::new(&cart?, &options?, chosen, &visit.layout);
    render(&CartView {
        summary,
        signed_in: owner.signed_in(),
        layout: visit.layout,
    })
}

/// "Add to cart".
#[derive(Debug, Deserialize)]
struct AddForm {
    product_id: String,
    #[serde(default)]
    quantity: String,
}

fn quantity(text: &str) -> i64 {
    text.trim().parse::<i64>().unwrap_or(1).clamp(1, 99)
}

async fn add_item(visit: Visit, Form(form): Form<AddForm>) -> Result<Response, PageError> {
    let product_id = parse_id(&form.product_id)?;
    let owner = CartOwner::of(&visit).await?;
    let item = NewCartItem {
        product_id,
        quantity: quantity(&form.quantity),
    };
    let words = visit.words();
    match visit.state.clients.orders.add(owner.shopper(), &item).await {
        Ok(cart) => {
            let token = cart.cart_token.filter(|_| !owner.signed_in());
            let message = words.count("flash-added", item.quantity);
            visit
                .session
                .update(|stored| {
                    if let Some(token) = token {
                        stored.cart_token = Some(token);
                    }
                    stored.flash = Some(message);
                })
                .await?;
            Ok(see("/cart"))
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
            ) =>
        {
            let message = if refusal.status == StatusCode::NOT_FOUND {
                words.t("cart-problem-unavailable")
            } else {
                refusal
                    .problem
                    .errors
                    .first()
                    .map(|error| error.message.clone())
                    .or(refusal.problem.detail.clone())
                    .unwrap_or_else(|| words.t("cart-problem-unavailable"))
            };
            visit
                .flash(words.t1("flash-not-added", "reason", message))
                .await?;
            Ok(see(format!("/products/{product_id}")))
        }
        Err(error) => Err(error.into()),
    }
}

/// A line's new quantity.
#[derive(Debug, Deserialize)]
struct ChangeForm {
    #[serde(default)]
    quantity: String,
}

async fn change_item(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let product_id = parse_id(&id)?;
    let owner = CartOwner::of(&visit).await?;
    let words = visit.words();
    match visit
        .state
        .clients
        .orders
        .change(owner.shopper(), product_id, quantity(&form.quantity))
        .await
    {
        Ok(_) => visit.flash(words.t("flash-cart-updated")).await?,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            let reason = refusal.problem.detail.unwrap_or_default();
            visit
                .flash(words.t1("flash-not-changed", "reason", reason))
                .await?;
        }
        Err(error) => return Err(error.into()),
    }
    Ok(see("/cart"))
}

/// An empty form (only its CSRF token).
#[derive(Debug, Deserialize)]
pub(crate) struct EmptyForm {}

async fn remove_item(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let product_id = parse_id(&id)?;
    let owner = CartOwner::of(&visit).await?;
    match visit
        .state
        .clients
        .orders
        .remove(owner.shopper(), product_id)
        .await
    {
        Ok(_) | Err(CallError::Refused(_)) => {}
        Err(error) => return Err(error.into()),
    }
    visit.flash(visit.words().t("flash-removed")).await?;
    Ok(see("/cart"))
}

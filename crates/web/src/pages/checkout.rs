//! Checkout: address (from the customer's record), delivery, card; the confirmation page. The
//! form carries an idempotency key, so a double submit makes one order; a declined card, a
//! line short of stock or a price change is explained on the page and the cart stays.

use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use contracts::clients::orders::{Card, Checkout, Order, ShippingAddress};
use serde::Deserialize;
use uuid::Uuid;

use super::account::address_text;
use super::cart::CartSummary;
use super::{FieldErrors, idempotency_key, parse_id, render, render_with, see};
use crate::State;
use crate::clients::{CallError, CheckoutOutcome, Shopper};
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

/// How long a second submit waits for the first to finish before saying it is still running.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(8);

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/checkout", get(checkout_page).post(place_order))
        .route("/checkout/done/{id}", get(confirmation))
}

/// The checkout form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckoutForm {
    /// The idempotency key rendered into the form.
    #[serde(default)]
    pub key: String,
    /// The addressee.
    #[serde(default)]
    pub name: String,
    /// Street and number.
    #[serde(default)]
    pub line1: String,
    /// Floor, door.
    #[serde(default)]
    pub line2: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// Country code.
    #[serde(default)]
    pub country: String,
    /// The delivery option's id.
    #[serde(default)]
    pub delivery: String,
    /// Card number.
    #[serde(default)]
    pub card_number: String,
    /// Month of expiry.
    #[serde(default)]
    pub exp_month: String,
    /// Year of expiry.
    #[serde(default)]
    pub exp_year: String,
    /// The code on the back.
    #[serde(default)]
    pub cvc: String,
    /// The name on the card.
    #[serde(default)]
    pub holder: String,
}

/// A saved address to start from.
#[derive(Debug, Clone)]
pub struct SavedAddress {
    /// Its place in the record.
    pub index: usize,
    /// One line.
    pub text: String,
    /// Whether the form shows it.
    pub chosen: bool,
}

/// The checkout page.
#[derive(Template)]
#[template(path = "checkout/checkout.html")]
struct CheckoutView {
    layout: Layout,
    summary: CartSummary,
    form: CheckoutForm,
    saved: Vec<SavedAddress>,
    errors: FieldErrors,
    problem: Option<String>,
    demo: bool,
}

#[derive(Debug, Deserialize)]
struct CheckoutQuery {
    address: Option<usize>,
    delivery: Option<String>,
}

async fn checkout_view(
    visit: &Visit,
    token: &str,
    mut form: CheckoutForm,
    chosen_address: Option<usize>,
    errors: FieldErrors,
    problem: Option<String>,
) -> Result<CheckoutView, PageError> {
    let clients = &visit.state.clients;
    let shopper = Shopper {
        bearer: Some(token),
        cart_token: None,
    };
    let (cart, options, customer) = tokio::join!(
        clients.orders.cart(shopper),
        clients.orders.delivery_options(),
        clients.customers.me(token),
    );
    let customer = customer?;
    let chosen_delivery = form.delivery.parse::<Uuid>().ok();
    let summary = CartSummary::new(&cart?, &options?, chosen_delivery, &visit.layout);
    if let Some(id) = summary.chosen {
        form.delivery = id.to_string();
    }
    // A new form starts from a saved address: the one asked for, or the first.
    let start_from = if form.line1.is_empty() {
        chosen_address.or((!customer.addresses.is_empty()).then_some(0))
    } else {
        chosen_address
    };
    if let Some(address) = start_from.and_then(|index| customer.addresses.get(index)) {
        form.line1 = address.line1.clone();
        form.line2 = address.line2.clone().unwrap_or_default();
        form.city = address.city.clone();
        form.postal_code = address.postal_code.clone();
        form.country = address.country.clone();
    }
    if form.name.is_empty() {
        form.name = format!("{} {}", customer.given_name, customer.family_name)
            .trim()
            .to_owned();
    }
    if form.holder.is_empty() {
        form.holder = form.name.clone();
    }
    // Every drawing of the form gets a new key: after a declined card, the next try is a new
    // checkout, not a replay of the refusal.
    form.key = idempotency_key();
    form.card_number.clear();
    form.cvc.clear();
    Ok(CheckoutView {
        saved: customer
            .addresses
            .iter()
            .enumerate()
            .map(|(index, address)| SavedAddress {
                index,
                text: address_text(address),
                chosen: start_from == Some(index),
            })
            .collect(),
        summary,
        form,
        errors,
        problem,
        demo: visit.state.demo,
        layout: visit.layout.clone(),
    })
}

async fn checkout_page(
    visit: Visit,
    Query(query): Query<CheckoutQuery>,
) -> Result<Response, PageError> {
    let token = match visit.session.user().await {
        Some(_) => visit.bearer().await?,
        None => return Ok(see(crate::error::login_path("/checkout"))),
    };
    let form = CheckoutForm {
        delivery: query.delivery.unwrap_or_default(),
        ..CheckoutForm::default()
    };
    let view = checkout_view(
        &visit,
        &token,
        form,
        query.address,
        FieldErrors::default(),
        None,
    )
    .await?;
    if view.summary.lines.is_empty() {
        return Ok(see("/cart"));
    }
    render(&view)
}

fn number(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

/// The service's field names, as the form calls them.
const FIELDS: [(&str, &str); 12] = [
    ("shipping_address.name", "name"),
    ("shipping_address.line1", "line1"),
    ("shipping_address.line2", "line2"),
    ("shipping_address.city", "city"),
    ("shipping_address.postal_code", "postal_code"),
    ("shipping_address.country", "country"),
    ("delivery_option", "delivery"),
    ("payment.number", "card_number"),
    ("payment.exp_month", "exp_month"),
    ("payment.exp_year", "exp_year"),
    ("payment.cvc", "cvc"),
    ("payment.holder", "holder"),
];

async fn place_order(visit: Visit, Form(form): Form<CheckoutForm>) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let words = visit.words();
    let key = match Uuid::parse_str(&form.key) {
        Ok(key) => key.to_string(),
        Err(_) => return Err(PageError::BadRequest),
    };
    let line2 = form.line2.trim();
    let checkout = Checkout {
        shipping_address: ShippingAddress {
            name: form.name.trim().to_owned(),
            line1: form.line1.trim().to_owned(),
            line2: (!line2.is_empty()).then(|| line2.to_owned()),
            city: form.city.trim().to_owned(),
            postal_code: form.postal_code.trim().to_owned(),
            country: form.country.trim().to_ascii_uppercase(),
        },
        delivery_option: form.delivery.parse().unwrap_or(Uuid::nil()),
        payment: Card {
            method: "card",
            number: form.card_number.clone(),
            exp_month: number(&form.exp_month),
            exp_year: number(&form.exp_year),
            cvc: form.cvc.trim().to_owned(),
            holder: form.holder.trim().to_owned(),
        },
    };
    let orders = &visit.state.clients.orders;
    let started = tokio::time::Instant::now();
    let outcome = loop {
        let outcome = orders.checkout(&token, &key, &checkout).await?;
        // The same form sent twice: the second waits for the first and shows its order.
        let running = matches!(&outcome, CheckoutOutcome::Refused(refusal)
            if refusal.status == StatusCode::CONFLICT && refusal.is("conflict"));
        if !running || started.elapsed() > WAIT_FOR_FIRST {
            break outcome;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut errors = FieldErrors::default();
    let problem = match outcome {
        CheckoutOutcome::Paid(order) => return Ok(see(format!("/checkout/done/{}", order.id))),
        CheckoutOutcome::Declined { reason, .. } => {
            let reason_key = format!("decline-{reason}");
            let reason = if words.has(&reason_key) {
                words.t(&reason_key)
            } else {
                reason
            };
            words.t1("checkout-declined", "reason", reason)
        }
        CheckoutOutcome::Refused(refusal) => match refusal.status {
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
                errors = FieldErrors::from_refusal(&refusal, &FIELDS);
                words.t("checkout-fix-fields")
            }
            _ if refusal.is("insufficient-stock") => words.t("checkout-short"),
            _ if refusal.is("unavailable-products") => words.t("checkout-unavailable"),
            StatusCode::CONFLICT => refusal
                .problem
                .detail
                .clone()
                .unwrap_or_else(|| words.t("checkout-running")),
            _ => return Err(CallError::Refused(refusal).into()),
        },
    };
    let view = checkout_view(&visit, &token, form, None, errors, Some(problem)).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// The confirmation page.
#[derive(Template)]
#[template(path = "checkout/done.html")]
struct DoneView {
    layout: Layout,
    order: Order,
    total: String,
    estimate: String,
}

async fn confirmation(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let order = match visit.state.clients.orders.order(&token, id).await {
        Ok(order) => order,
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::NOT_FOUND => {
            return Err(PageError::NotFound);
        }
        Err(error) => return Err(error.into()),
    };
    let words = visit.words();
    let paid = order.paid_at.unwrap_or(order.created_at);
    render(&DoneView {
        total: words.money(&order.total),
        estimate: words.date(&(paid + time::Duration::days(order.delivery.estimated_days))),
        order,
        layout: visit.layout,
    })
}

//! Orders, for staff: the list (by state and customer), one order with its timeline, and what
//! staff do with it: hand it to a carrier with a tracking number, mark it delivered, cancel and
//! refund before it ships.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::orders::{NewShipment, Order};
use serde::Deserialize;
use uuid::Uuid;

use super::super::orders::{OrderDetails, OrderRow, row};
use super::super::{FieldErrors, parse_id, render, render_with, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::{CallError, OrderFilter};
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/orders", get(orders_page))
        .route("/admin/orders/{id}", get(order_page))
        .route("/admin/orders/{id}/shipment", post(ship))
        .route("/admin/orders/{id}/delivered", post(deliver))
        .route("/admin/orders/{id}/cancel", post(cancel))
}

const STATUSES: [&str; 7] = [
    "pending_payment",
    "paid",
    "payment_failed",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
];

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default)]
    status: String,
    /// A customer's user id.
    #[serde(default)]
    customer: String,
    /// Placed on or after this day.
    #[serde(default)]
    from: String,
    /// Placed on or before this day.
    #[serde(default)]
    until: String,
    cursor: Option<String>,
}

/// Every customer's orders.
#[derive(Template)]
#[template(path = "admin/orders.html")]
struct OrdersView {
    layout: Layout,
    menu: Vec<MenuLink>,
    orders: Vec<OrderRow>,
    statuses: Vec<(&'static str, String, bool)>,
    customer: String,
    customer_error: Option<String>,
    from: String,
    until: String,
    day_error: Option<String>,
    next: Option<String>,
}

async fn orders_page(
    visit: Visit,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Orders).await?;
    let words = desk.visit.words();
    let status = STATUSES
        .contains(&params.status.as_str())
        .then_some(params.status.as_str());
    let customer_text = params.customer.trim();
    let customer = customer_text.parse::<Uuid>().ok();
    let customer_error = (!customer_text.is_empty() && customer.is_none())
        .then(|| words.t("admin-orders-customer-error"));
    // Days as a date field sends them; anything else is ignored and said so.
    let day = |text: &str| {
        let text = text.trim();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, format)
            .ok()
            .map(|_| text.to_owned())
    };
    let (from, until) = (day(&params.from), day(&params.until));
    let day_error = ((!params.from.trim().is_empty() && from.is_none())
        || (!params.until.trim().is_empty() && until.is_none()))
    .then(|| words.t("admin-orders-day-error"));
    let filter = OrderFilter {
        limit: 50,
        status: status.map(str::to_owned),
        customer,
        from: from.clone(),
        until: until.clone(),
        cursor: params.cursor.clone(),
    };
    let page = match desk
        .visit
        .state
        .clients
        .orders
        .all_orders(&desk.token, &filter)
        .await
    {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor from an old or forged link: the list from the top.
            return Ok(see("/admin/orders"));
        }
        Err(error) => return Err(error.into()),
    };
    let next = page.next_cursor.map(|cursor| {
        let mut pairs = vec![("cursor", cursor)];
        for (name, value) in [
            ("status", filter.status.clone()),
            ("customer", customer.map(|id| id.to_string())),
            ("from", from.clone()),
            ("until", until.clone()),
        ] {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        }
        format!(
            "/admin/orders?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    });
    render(&OrdersView {
        orders: page
            .items
            .into_iter()
            .map(|order| row(order, words))
            .collect(),
        statuses: STATUSES
            .iter()
            .map(|value| {
                (
                    *value,
                    words.t(&format!("order-status-{value}")),
                    Some(*value) == status,
                )
            })
            .collect(),
        customer: customer_text.to_owned(),
        customer_error,
        from: params.from.trim().to_owned(),
        until: params.until.trim().to_owned(),
        day_error,
        next,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

/// One order, for staff.
#[derive(Template)]
#[template(path = "admin/order.html")]
struct OrderView {
    layout: Layout,
    menu: Vec<MenuLink>,
    details: OrderDetails,
    can_ship: bool,
    can_deliver: bool,
    can_cancel: bool,
    form: ShipmentForm,
    errors: FieldErrors,
}

fn order_view(
    desk: &Backstage,
    order: Order,
    form: ShipmentForm,
    errors: FieldErrors,
) -> OrderView {
    OrderView {
        can_ship: order.status == "paid",
        can_deliver: order.status == "shipped",
        can_cancel: order.status == "paid",
        details: OrderDetails::of(order, desk.visit.words()),
        form,
        errors,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    }
}

async fn order_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Orders).await?;
    let order = desk
        .visit
        .state
        .clients
        .orders
        .order(&desk.token, id)
        .await?;
    render(&order_view(
        &desk,
        order,
        ShipmentForm::default(),
        FieldErrors::default(),
    ))
}

/// The form that hands an order to a carrier.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShipmentForm {
    /// The carrier.
    #[serde(default)]
    pub carrier: String,
    /// Its tracking number.
    #[serde(default)]
    pub tracking_number: String,
}

/// After an action: a message, back to the order; a conflict (the order moved on meanwhile)
/// is told in the service's words.
async fn after(
    desk: &Backstage,
    id: Uuid,
    result: Result<Order, CallError>,
    done: &str,
) -> Result<Response, PageError> {
    let words = desk.visit.words();
    let message = match result {
        Ok(_) => words.t(done),
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => refusal
            .problem
            .detail
            .clone()
            .unwrap_or_else(|| words.t("desk-refused")),
        Err(error) => return Err(error.into()),
    };
    desk.visit.flash(message).await?;
    Ok(see(format!("/admin/orders/{id}")))
}

async fn ship(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ShipmentForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Orders).await?;
    let shipment = NewShipment {
        carrier: form.carrier.trim().to_owned(),
        tracking_number: form.tracking_number.trim().to_owned(),
    };
    let orders = &desk.visit.state.clients.orders;
    match orders.ship(&desk.token, id, &shipment).await {
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = FieldErrors::from_refusal(&refusal, &[]);
            let order = orders.order(&desk.token, id).await?;
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &order_view(&desk, order, form, errors),
            )
        }
        result => after(&desk, id, result, "flash-order-shipped").await,
    }
}

async fn deliver(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<super::super::cart::EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Orders).await?;
    let delivered = desk
        .visit
        .state
        .clients
        .orders
        .deliver(&desk.token, id)
        .await;
    after(&desk, id, delivered, "flash-order-delivered").await
}

async fn cancel(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<super::super::cart::EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Orders).await?;
    let cancelled = desk
        .visit
        .state
        .clients
        .orders
        .cancel(&desk.token, id)
        .await;
    after(&desk, id, cancelled, "flash-order-refunded").await
}

//! The customer's orders: the list, one order with its timeline, cancelling before shipping.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::orders::Order;
use serde::Deserialize;

use super::cart::EmptyForm;
use super::{parse_id, render, see};
use crate::State;
use crate::clients::CallError;
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/account/orders", get(orders_page))
        .route("/account/orders/{id}", get(order_page))
        .route("/account/orders/{id}/cancel", post(cancel))
}

/// An order in the list.
#[derive(Debug, Clone)]
pub struct OrderRow {
    /// The order.
    pub order: Order,
    /// Its status, in words.
    pub status: String,
    /// Its total.
    pub total: String,
    /// When it was placed.
    pub placed: String,
    /// Units in it.
    pub items: i64,
}

fn status_words(order: &Order, words: Words) -> String {
    words.t(&format!("order-status-{}", order.status))
}

/// An order as a list shows it.
pub fn row(order: Order, words: Words) -> OrderRow {
    OrderRow {
        status: status_words(&order, words),
        total: words.money(&order.total),
        placed: words.date(&order.created_at),
        items: order.lines.iter().map(|line| line.quantity).sum(),
        order,
    }
}

/// "My orders".
#[derive(Template)]
#[template(path = "orders/list.html")]
struct OrdersView {
    layout: Layout,
    orders: Vec<OrderRow>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

async fn orders_page(visit: Visit, Query(query): Query<ListQuery>) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let page = match visit
        .state
        .clients
        .orders
        .orders(&token, query.cursor.as_deref())
        .await
    {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor from an old or forged link: the list from the top.
            return Ok(see("/account/orders"));
        }
        Err(error) => return Err(error.into()),
    };
    let words = visit.words();
    render(&OrdersView {
        orders: page
            .items
            .into_iter()
            .map(|order| row(order, words))
            .collect(),
        next: page.next_cursor.map(|cursor| {
            format!(
                "/account/orders?{}",
                serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default()
            )
        }),
        layout: visit.layout,
    })
}

/// A step of an order's life.
#[derive(Debug, Clone)]
pub struct Step {
    /// What happened.
    pub what: String,
    /// When.
    pub when: String,
}

/// What an order page shows of any order: its lines, sums, timeline, address and payment.
#[derive(Debug, Clone)]
pub struct OrderDetails {
    /// The order, with its status and total in words.
    pub row: OrderRow,
    /// Name, quantity, unit price, line total.
    pub lines: Vec<(String, i64, String, String)>,
    /// The lines' total.
    pub items_total: String,
    /// The delivery chosen.
    pub delivery: String,
    /// Its price.
    pub delivery_price: String,
    /// Where it goes, on one line.
    pub address: String,
    /// How it was paid.
    pub payment: String,
    /// What happened, oldest first.
    pub timeline: Vec<Step>,
    /// Why it failed or was cancelled, in words.
    pub reason: Option<String>,
}

impl OrderDetails {
    /// The carrier the customer chose.
    pub fn delivery_carrier(&self) -> &str {
        &self.row.order.delivery.carrier
    }

    /// The details of `order` in `words`.
    pub fn of(order: Order, words: Words) -> Self {
        let mut timeline = vec![Step {
            what: words.t("order-step-placed"),
            when: words.date_time(&order.created_at),
        }];
        if let Some(paid) = order.paid_at {
            timeline.push(Step {
                what: words.t("order-step-paid"),
                when: words.date_time(&paid),
            });
        }
        if let Some(shipment) = &order.shipment {
            timeline.push(Step {
                what: words.t1(
                    "order-step-shipped",
                    "tracking",
                    format!("{} {}", shipment.carrier, shipment.tracking_number),
                ),
                when: words.date_time(&shipment.shipped_at),
            });
            if let Some(delivered) = shipment.delivered_at {
                timeline.push(Step {
                    what: words.t("order-step-delivered"),
                    when: words.date_time(&delivered),
                });
            }
        }
        if let Some(cancelled) = order.cancelled_at {
            timeline.push(Step {
                what: words.t("order-step-cancelled"),
                when: words.date_time(&cancelled),
            });
        }
        let address = &order.shipping_address;
        OrderDetails {
            lines: order
                .lines
                .iter()
                .map(|line| {
                    (
                        line.name.clone(),
                        line.quantity,
                        words.money(&line.unit_price),
                        words.money(&line.line_total),
                    )
                })
                .collect(),
            items_total: words.money(&order.items_total),
            delivery: format!(
                "{} ({}, {})",
                order.delivery.name,
                order.delivery.carrier,
                words.count("days", order.delivery.estimated_days)
            ),
            delivery_price: words.money(&order.delivery.price),
            address: [
                Some(address.name.clone()),
                Some(address.line1.clone()),
                address.line2.clone(),
                Some(format!("{} {}", address.postal_code, address.city)),
                Some(address.country.clone()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            payment: format!("{} ···· {}", order.payment.brand, order.payment.last4),
            timeline,
            reason: order.status_reason.as_ref().map(|reason| {
                let key = format!("decline-{reason}");
                if words.has(&key) {
                    words.t(&key)
                } else {
                    reason.clone()
                }
            }),
            row: row(order, words),
        }
    }
}

/// One order.
#[derive(Template)]
#[template(path = "orders/detail.html")]
struct OrderView {
    layout: Layout,
    details: OrderDetails,
    can_cancel: bool,
}

async fn order_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let order = visit.state.clients.orders.order(&token, id).await?;
    render(&OrderView {
        can_cancel: order.status == "paid",
        details: OrderDetails::of(order, visit.words()),
        layout: visit.layout,
    })
}

async fn cancel(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let words = visit.words();
    match visit.state.clients.orders.cancel(&token, id).await {
        Ok(_) => visit.flash(words.t("flash-order-cancelled")).await?,
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
            visit.flash(words.t("flash-order-not-cancelled")).await?;
        }
        Err(error) => return Err(error.into()),
    }
    Ok(see(format!("/account/orders/{id}")))
}

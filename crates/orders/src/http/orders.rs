//! `/checkout` and the orders themselves (`/`, `/{id}`): placing an order and everything after.

use axum::extract::OriginalUri;
use axum::response::{IntoResponse, Response};
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Staff};
use platform::error::Problem;
use platform::http::problems::{
    BadRequest, Forbidden, Invalid, NotFound, Unauthorized, Unavailable,
};
use platform::http::{Created, IdPath, Json, Query};
use platform::idempotency::{self, Begin, IdempotencyKey};
use platform::paging::{Page, PageParams};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::State;
use crate::app::checkout::{self, CheckoutInput};
use crate::app::orders::{self, NewShipment};
use crate::app::views::OrderView;
use crate::domain::status::OrderStatus;
use crate::store::OrderFilter;

/// How the list's days are written.
const DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(checkout_cart))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(cancel_order))
        .routes(routes!(ship_order))
        .routes(routes!(deliver_order))
        .routes(routes!(sales_summary))
}

fn created(view: OrderView) -> Response {
    let location = format!("{}/{}", crate::PREFIX, view.id);
    Created::at(location, view).into_response()
}

/// Check out the customer's cart: price it from the catalog, reserve the stock, charge the card,
/// and answer the paid order. `Idempotency-Key` is required: the same key and body answer the
/// first response again (also a 402); another body with the key is 422; a retry while the first
/// runs is 409. The order keeps the prices charged, and `price_changes` lists those that moved
/// since they went into the cart. Card numbers are never stored: the order keeps the brand and
/// the last four digits.
#[utoipa::path(
    post, path = "/checkout", tag = "orders", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Required: makes retries safe (24 hours)")),
    request_body = CheckoutInput,
    responses(
        (status = 201, description = "Paid", body = OrderView),
        (status = 402, description = "The payment was declined; the order is `payment_failed` (`details.order_id`, `details.reason`) and the stock went back", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Empty cart, lines short of stock (`details.lines`), products no longer sold (`details.products`), or a request with this key still running", body = Problem, content_type = "application/problem+json"),
        BadRequest, Invalid, Unavailable,
    )
)]
async fn checkout_cart(
    state: State,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    OriginalUri(uri): OriginalUri,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, ApiError> {
    let Some(key) = key else {
        return Err(ApiError::BadRequest(
            "A checkout needs an Idempotency-Key header (a unique value per checkout attempt)."
                .to_owned(),
        ));
    };
    let fingerprint = CheckoutInput::fingerprint(&body);
    let input: CheckoutInput = platform::http::from_json_value(body)?;
    let hash = idempotency::request_hash("POST", uri.path(), fingerprint.to_string().as_bytes());
    match idempotency::begin(&state.database, &caller.user_id.to_string(), &key, &hash).await? {
        Begin::Replay { status, body } => Ok(idempotency::replay_response(status, body)),
        Begin::Fresh(claim) => Ok(created(
            checkout::checkout(&state, &caller, input, &key, claim).await?,
        )),
    }
}

/// Filters and paging of the order list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Only in this state.
    pub status: Option<OrderStatus>,
    /// Only this customer's (user id; staff only).
    pub customer: Option<Uuid>,
    /// Only placed on or after this day (`YYYY-MM-DD`, UTC).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Only placed on or before this day (`YYYY-MM-DD`, UTC).
    #[param(format = Date)]
    pub until: Option<String>,
    /// How many, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Orders, newest first: a customer's own; staff see all and filter by customer and state.
#[utoipa::path(
    get, path = "/", tag = "orders", security(("bearer" = [])),
    params(OrderQuery),
    responses(
        (status = 200, description = "A page of orders", body = Page<OrderView>),
        Unauthorized, Invalid,
    )
)]
async fn list_orders(
    state: State,
    caller: Caller,
    Query(query): Query<OrderQuery>,
) -> Result<Json<Page<OrderView>>, ApiError> {
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = paging.limit()?;
    let day = |field: &str, text: Option<&str>| {
        text.map(|text| {
            time::Date::parse(text, DAY)
                .map(|day| day.midnight().assume_utc())
                .map_err(|_| ApiError::invalid(field, "invalid", "a day written YYYY-MM-DD"))
        })
        .transpose()
    };
    let filter = OrderFilter {
        user_id: query.customer,
        status: query.status,
        placed_from: day("from", query.from.as_deref())?,
        placed_before: day("until", query.until.as_deref())?
            .map(|midnight| midnight + time::Duration::DAY),
    };
    let found = orders::list(&state, &caller, filter, paging.after_id()?, limit).await?;
    let page = Page::from_rows(found, limit, |order| order.id.to_string());
    Ok(Json(page.map(OrderView::from)))
}

/// One order: the customer's own, or any for staff. Another customer's order is 404.
#[utoipa::path(
    get, path = "/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        NotFound,
    )
)]
async fn get_order(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(orders::get(&state, &caller, id).await?.into()))
}

/// Cancel a paid order before it ships (its customer, or staff): the money is refunded and the
/// units go back to stock. The order ends `refunded`.
#[utoipa::path(
    post, path = "/{id}/cancel", tag = "orders", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order")),
    responses(
        (status = 200, description = "Cancelled and refunded", body = OrderView),
        (status = 409, description = "Not cancellable in its state (shipped, already ended, payment under way)", body = Problem, content_type = "application/problem+json"),
        NotFound, Unavailable,
    )
)]
async fn cancel_order(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(orders::cancel(&state, &caller, id).await?.into()))
}

/// Hand a paid order to a carrier (staff): it is `shipped`, and the customer sees the tracking.
#[utoipa::path(
    post, path = "/{id}/shipment", tag = "orders", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order")),
    request_body = NewShipment,
    responses(
        (status = 200, description = "Shipped", body = OrderView),
        (status = 409, description = "Not paid, or shipped already", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Invalid,
    )
)]
async fn ship_order(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<NewShipment>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(orders::ship(&state, &caller, id, body).await?.into()))
}

/// Record that a shipped order arrived (staff).
#[utoipa::path(
    post, path = "/{id}/delivered", tag = "orders", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order")),
    responses(
        (status = 200, description = "Delivered", body = OrderView),
        (status = 409, description = "Not shipped", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound,
    )
)]
async fn deliver_order(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(orders::deliver(&state, &caller, id).await?.into()))
}

/// How many days of sales.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesQuery {
    /// Days back, today included, 1 to 90 (default 7).
    pub days: Option<u32>,
}

/// Orders paid and revenue per day (UTC) over the last days, days without sales included
/// (staff). Refunded orders are not sales.
#[utoipa::path(
    get, path = "/sales", tag = "orders", security(("bearer" = [])),
    params(SalesQuery),
    responses(
        (status = 200, description = "One entry per day, oldest first", body = Vec<crate::app::sales::DaySales>),
        Unauthorized, Forbidden, Invalid,
    )
)]
async fn sales_summary(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    Query(query): Query<SalesQuery>,
) -> Result<Json<Vec<crate::app::sales::DaySales>>, ApiError> {
    let days = query.days.unwrap_or(7);
    if !(1..=crate::app::sales::MAX_DAYS).contains(&days) {
        return Err(ApiError::invalid("days", "out_of_range", "from 1 to 90"));
    }
    Ok(Json(
        crate::app::sales::summary(&state, &caller, days).await?,
    ))
}

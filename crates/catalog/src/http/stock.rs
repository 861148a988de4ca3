//! `/reservations` (stock held for orders) and `POST /products/{id}/stock` (adjustments).

use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound};
use platform::http::{Created, IdPath, Json, etag};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::products::ProductView;
use crate::State;
use crate::app::stock::{self, NewReservation, StockAdjustment};
use crate::store::Reservation;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(reserve))
        .routes(routes!(get_reservation))
        .routes(routes!(commit_reservation))
        .routes(routes!(release_reservation))
        .routes(routes!(adjust_stock, stock_history))
}

/// A recorded stock adjustment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentView {
    /// Its id.
    pub id: Uuid,
    /// Units added (positive) or removed (negative).
    pub delta: i64,
    /// Why.
    pub reason: String,
    /// Who made it (user id).
    pub actor_id: Uuid,
    /// The stock it left.
    pub stock_after: i64,
    /// When (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<crate::store::Adjustment> for AdjustmentView {
    fn from(adjustment: crate::store::Adjustment) -> Self {
        Self {
            id: adjustment.id,
            delta: adjustment.delta,
            reason: adjustment.reason,
            actor_id: adjustment.actor_id,
            stock_after: adjustment.stock_after,
            created_at: adjustment.created_at,
        }
    }
}

/// One line of a reservation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    /// The product.
    pub product_id: Uuid,
    /// Units held.
    pub quantity: i64,
}

/// A reservation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReservationView {
    /// Its id.
    pub id: Uuid,
    /// The order it holds stock for.
    pub order_id: Uuid,
    /// `held`, `committed`, `released` or `expired`.
    pub status: String,
    /// What it holds.
    pub lines: Vec<LineView>,
    /// When a held reservation expires (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Made (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Reservation> for ReservationView {
    fn from(reservation: Reservation) -> Self {
        Self {
            id: reservation.id,
            order_id: reservation.order_id,
            status: reservation.status.as_str().to_owned(),
            lines: reservation
                .lines
                .into_iter()
                .map(|(product_id, quantity)| LineView {
                    product_id,
                    quantity,
                })
                .collect(),
            expires_at: reservation.expires_at,
            created_at: reservation.created_at,
        }
    }
}

/// Reserve stock for an order (administrators; the orders service): every line or none. The
/// same order with the same lines gets the same answer; with other lines, 409.
#[utoipa::path(
    post, path = "/reservations", tag = "catalog", security(("bearer" = [])),
    request_body = NewReservation,
    responses(
        (status = 201, description = "Reserved (or the order's reservation, asked again)", body = ReservationView),
        (status = 409, description = "Lines short of stock (`details.lines`: requested and available), or the order has other lines reserved", body = Problem, content_type = "application/problem+json"),
        Forbidden, Invalid,
    )
)]
async fn reserve(
    state: State,
    caller: Caller,
    Json(body): Json<NewReservation>,
) -> Result<impl IntoResponse, ApiError> {
    let (reservation, _new) = stock::reserve(&state, &caller, body).await?;
    let location = format!("{}/reservations/{}", crate::PREFIX, reservation.id);
    Ok(Created::at(location, ReservationView::from(reservation)))
}

/// One reservation (administrators; the orders service).
#[utoipa::path(
    get, path = "/reservations/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The reservation id")),
    responses(
        (status = 200, description = "The reservation", body = ReservationView),
        Forbidden, NotFound,
    )
)]
async fn get_reservation(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<ReservationView>, ApiError> {
    Ok(Json(stock::get(&state, &caller, id).await?.into()))
}

/// The sale happened: commit a held reservation (its pets are sold). Committing again is no
/// error.
#[utoipa::path(
    post, path = "/reservations/{id}/commit", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The reservation id")),
    responses(
        (status = 200, description = "Committed", body = ReservationView),
        (status = 409, description = "Released or expired", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound,
    )
)]
async fn commit_reservation(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<ReservationView>, ApiError> {
    Ok(Json(stock::commit(&state, &caller, id).await?.into()))
}

/// Let a held reservation go: its stock returns (pets are available again). Releasing again,
/// or releasing an expired reservation, is no error.
#[utoipa::path(
    post, path = "/reservations/{id}/release", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The reservation id")),
    responses(
        (status = 200, description = "Released", body = ReservationView),
        (status = 409, description = "Committed", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound,
    )
)]
async fn release_reservation(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<ReservationView>, ApiError> {
    Ok(Json(stock::release(&state, &caller, id).await?.into()))
}

/// Add to or take from a product's stock, with the reason recorded (administrators, or the
/// product's seller). Stock never goes below zero, nor a pet above one.
#[utoipa::path(
    post, path = "/products/{id}/stock", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The product id")),
    request_body = StockAdjustment,
    responses(
        (status = 200, description = "The product with its new stock", body = ProductView),
        (status = 409, description = "It would take the stock below zero", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Invalid,
    )
)]
async fn adjust_stock(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<StockAdjustment>,
) -> Result<impl IntoResponse, ApiError> {
    let product = stock::adjust(&state, &caller, id, body).await?;
    Ok(([etag(product.version)], Json(ProductView::from(product))))
}

/// A product's stock adjustments, newest first, the latest 100 (administrators, or the
/// product's seller).
#[utoipa::path(
    get, path = "/products/{id}/stock", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The product id")),
    responses(
        (status = 200, description = "The adjustments, newest first", body = Vec<AdjustmentView>),
        Forbidden, NotFound,
    )
)]
async fn stock_history(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Vec<AdjustmentView>>, ApiError> {
    let history = stock::history(&state, &caller, id).await?;
    Ok(Json(
        history.into_iter().map(AdjustmentView::from).collect(),
    ))
}

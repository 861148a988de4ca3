//! `/delivery-options`: carriers, prices and estimates.

use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::{Admins, Allowed};
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale};
use platform::http::{Created, IdPath, IfMatch, Json, Query, etag};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::State;
use crate::app::carts::Shopper;
use crate::app::delivery::{self, DeliveryOptionChange, NewDeliveryOption};
use crate::store::DeliveryOption;
use contracts::money::Money;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_options, create_option))
        .routes(routes!(update_option))
}

/// A delivery option as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOptionView {
    /// Its id: the checkout's `delivery_option`.
    pub id: Uuid,
    /// Who carries it.
    pub carrier: String,
    /// What the customer picks.
    pub name: String,
    /// What it costs.
    pub price: Money,
    /// Days to arrive, as the carrier estimates.
    pub estimated_days: i64,
    /// Offered at checkout.
    pub active: bool,
    /// Its version (the ETag).
    pub version: i64,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<DeliveryOption> for DeliveryOptionView {
    fn from(option: DeliveryOption) -> Self {
        Self {
            price: Money::new(option.price_amount, &option.currency),
            id: option.id,
            carrier: option.carrier,
            name: option.name,
            estimated_days: option.estimated_days,
            active: option.active,
            version: option.version,
            updated_at: option.updated_at,
        }
    }
}

/// Which options to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OptionsQuery {
    /// `true`: the withdrawn ones too (administrators).
    pub all: Option<bool>,
}

/// The delivery options offered at checkout, cheapest first. Anyone may read them.
#[utoipa::path(
    get, path = "/delivery-options", tag = "orders",
    params(OptionsQuery),
    responses((status = 200, description = "The options", body = Vec<DeliveryOptionView>))
)]
async fn list_options(
    state: State,
    shopper: Shopper,
    Query(query): Query<OptionsQuery>,
) -> Result<Json<Vec<DeliveryOptionView>>, ApiError> {
    let options =
        delivery::list(&state, shopper.caller.as_ref(), query.all.unwrap_or(false)).await?;
    Ok(Json(options.into_iter().map(Into::into).collect()))
}

/// Add a delivery option (administrators).
#[utoipa::path(
    post, path = "/delivery-options", tag = "orders", security(("bearer" = [])),
    request_body = NewDeliveryOption,
    responses(
        (status = 201, description = "Added", body = DeliveryOptionView),
        Forbidden, Invalid,
    )
)]
async fn create_option(
    state: State,
    Allowed(caller, _): Allowed<Admins>,
    Json(body): Json<NewDeliveryOption>,
) -> Result<impl IntoResponse, ApiError> {
    let option = delivery::create(&state, &caller, body).await?;
    let version = option.version;
    Ok(Created::new(DeliveryOptionView::from(option)).with_version(version))
}

/// Change a delivery option (administrators): price, estimate, name, carrier, or withdraw it
/// (`active: false`). Orders already placed keep what they chose.
#[utoipa::path(
    patch, path = "/delivery-options/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The option")),
    request_body = DeliveryOptionChange,
    responses(
        (status = 200, description = "Changed", body = DeliveryOptionView),
        Forbidden, NotFound, Stale, Invalid,
    )
)]
async fn update_option(
    state: State,
    Allowed(caller, _): Allowed<Admins>,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
    Json(body): Json<DeliveryOptionChange>,
) -> Result<impl IntoResponse, ApiError> {
    let option = delivery::update(&state, &caller, id, &if_match, body).await?;
    Ok((
        [etag(option.version)],
        Json(DeliveryOptionView::from(option)),
    ))
}

//! `/api/customers/me`: a customer's own record, made or linked on first use.

use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::http::problems::{Invalid, NotFound, Stale, Unauthorized};
use platform::http::{IfMatch, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::CustomerView;
use crate::State;
use crate::app::customers::CustomerChange;
use crate::app::me;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new().routes(routes!(get_own, update_own))
}

/// The caller's own record. On first use it is linked to a record staff made with the account's
/// email, or made from the account's name and email.
#[utoipa::path(
    get, path = "/me", tag = "customers", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's record; ETag is its version", body = CustomerView),
        Unauthorized, NotFound,
    )
)]
async fn get_own(state: State, caller: Caller) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(me::own_record(&state, &caller).await?);
    Ok(([view.etag()], Json(view)))
}

/// Change the caller's own record: names, phone, birth date, addresses. The email, id, account
/// link and status are not the customer's to change (422).
#[utoipa::path(
    patch, path = "/me", tag = "customers", security(("bearer" = [])),
    request_body = CustomerChange,
    responses(
        (status = 200, description = "The changed record", body = CustomerView),
        Stale, Invalid,
    )
)]
async fn update_own(
    state: State,
    caller: Caller,
    if_match: IfMatch,
    Json(body): Json<CustomerChange>,
) -> Result<impl IntoResponse, ApiError> {
    let view = CustomerView::from(me::update_own(&state, &caller, &if_match, body).await?);
    Ok(([view.etag()], Json(view)))
}

//! `POST /service-tokens`: a token for another Tienda service.

use platform::ApiError;
use platform::http::Json;
use platform::http::problems::Unauthorized;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{State, app::service_tokens};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new().routes(routes!(issue_service_token))
}

/// A service asking for a token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceCredentials {
    /// The service's name (`orders`): lowercase letters and dashes.
    pub service: String,
    /// The shared service secret.
    pub secret: String,
}

/// A service token.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceTokenView {
    /// The access token, with the `service` role.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds it lives.
    pub expires_in: u64,
}

/// Issue an access token with the `service` role to another Tienda service that knows the
/// shared service secret.
#[utoipa::path(
    post, path = "/service-tokens", tag = "identity",
    request_body = ServiceCredentials,
    responses(
        (status = 200, description = "The token", body = ServiceTokenView),
        Unauthorized,
    )
)]
async fn issue_service_token(
    state: State,
    Json(body): Json<ServiceCredentials>,
) -> Result<Json<ServiceTokenView>, ApiError> {
    let token = service_tokens::issue(&state, &body.service, &body.secret)?;
    Ok(Json(ServiceTokenView {
        access_token: token.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: token.expires_in,
    }))
}

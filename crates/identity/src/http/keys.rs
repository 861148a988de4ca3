//! `GET /jwks.json`: the public keys that verify access tokens.

use platform::auth::Jwks;
use platform::http::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::State;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new().routes(routes!(jwks))
}

/// The JSON Web Key Set of token signing keys (Ed25519).
#[utoipa::path(
    get, path = "/jwks.json", tag = "identity",
    responses((status = 200, description = "The public keys", body = Jwks))
)]
async fn jwks(state: State) -> Json<Jwks> {
    Json(state.signer.jwks().clone())
}

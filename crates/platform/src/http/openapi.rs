//! The OpenAPI document at `/api/openapi.json` and Swagger UI at `/api/docs`, both from the
//! document the services generate from their code.

use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// Routes serving `document` as JSON and through Swagger UI.
pub fn docs_router(document: OpenApi) -> Router {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", document))
}

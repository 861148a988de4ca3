//! The OpenAPI document at `/api/openapi.json` and Swagger UI at `/api/docs`, both from the
//! document the services generate from their code.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;

/// What the Swagger UI's pages may do: run and style with their own files only (its components
/// set inline styles), show their own and inline images, call this origin, and never be framed.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' \
    'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Routes serving `document` as JSON and through Swagger UI.
pub fn docs_router(document: OpenApi) -> Router {
    Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", document))
        .layer(axum::middleware::map_response(protect_docs))
}

/// The documentation's answers with their content security policy, and its missing files as
/// problem documents like every other 404 of the API.
pub async fn protect_docs(response: Response) -> Response {
    let mut response = if response.status() == StatusCode::NOT_FOUND {
        ApiError::NotFound.into_response()
    } else {
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

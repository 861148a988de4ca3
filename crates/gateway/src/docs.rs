//! The merged OpenAPI document at `/api/openapi.json` (each service's own document, asked of one
//! of its replicas and merged, kept a while) and Swagger UI over it at `/api/docs`.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http_body_util::{BodyExt, Limited};
use platform::error::ApiError;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::Gateway;
use crate::upstreams::Pool;

/// The largest service document read.
const DOCUMENT_LIMIT: usize = 8 * 1024 * 1024;

/// `/api/openapi.json` and `/api/docs`.
pub(crate) fn router() -> Router<Arc<Gateway>> {
    Router::new()
        .route("/api/openapi.json", get(document))
        .merge(SwaggerUi::new("/api/docs").config(SwaggerConfig::from("/api/openapi.json")))
        .layer(axum::middleware::map_response(platform::http::protect_docs))
}

async fn document(State(gateway): State<Arc<Gateway>>) -> Response {
    if let Some(document) = gateway.cached_document() {
        return axum::Json(document.as_ref()).into_response();
    }
    let documents =
        futures::future::join_all(gateway.api.iter().map(|pool| fetch(&gateway, pool))).await;
    let complete = documents.iter().all(Option::is_some);
    if documents.iter().all(Option::is_none) {
        return ApiError::Unavailable {
            reason: "no service answers for its API document".to_owned(),
            retry_after_secs: 1,
        }
        .into_response();
    }
    let mut merged = platform::app::base_document();
    for document in documents.into_iter().flatten() {
        merged.merge(document);
    }
    let merged = Arc::new(merged);
    // A document missing a service that is down is served, but not kept.
    if complete {
        gateway.keep_document(merged.clone(), Instant::now());
    }
    axum::Json(merged.as_ref()).into_response()
}

/// `pool`'s own document, from the first replica that gives it.
async fn fetch(gateway: &Gateway, pool: &Pool) -> Option<OpenApi> {
    for replica in pool.order() {
        let read = async {
            let response = gateway.ask(replica, "api/openapi.json").await.ok()?;
            if !response.status().is_success() {
                return None;
            }
            let bytes = Limited::new(response.into_body(), DOCUMENT_LIMIT)
                .collect()
                .await
                .ok()?
                .to_bytes();
            serde_json::from_slice::<OpenApi>(&bytes).ok()
        };
        match tokio::time::timeout(gateway.connect_timeout * 2, read).await {
            Ok(Some(document)) => return Some(document),
            _ => tracing::warn!(upstream = pool.name, replica = %replica.base, "no API document"),
        }
    }
    None
}

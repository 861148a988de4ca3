//! The HTTP bootstrap every service shares: the middleware stack, the JSON extractor, health,
//! metrics, the OpenAPI document and serving with graceful shutdown.
//!
//! [`crate::App`] composes services into one router; this module holds the pieces.

mod client_address;
mod health;
mod json;
mod limits;
mod metrics;
mod openapi;
pub mod problems;
mod query;
mod request_id;
mod responses;
mod stack;
mod versioning;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

pub use client_address::{ClientAddress, current_client_address};
pub use health::{ReadinessCheck, health_router};
pub use json::{Json, from_json_value};
pub use limits::{RateLimitConfig, SESSION_COOKIE};
pub use metrics::{HttpMetrics, metrics_router};
pub use openapi::{docs_router, protect_docs};
pub use query::Query;
pub use request_id::{REQUEST_ID_HEADER, RequestId, current_request_id, with_request_id};
pub use responses::{Created, IdPath};
pub use stack::{apply_stack, apply_stack_keeping_fallback, apply_stack_with_site};
pub use versioning::{IfMatch, etag};

/// How the HTTP edge of a process behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// How long one request may take before it is abandoned with 503.
    pub request_timeout: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// The per-client rate limits.
    pub rate_limits: RateLimitConfig,
    /// Serve `/metrics` on this address only, instead of beside the API.
    pub metrics_addr: Option<SocketAddr>,
    /// The origins whose pages may call the API from a browser (CORS); none by default.
    pub cors_origins: Vec<axum::http::HeaderValue>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            trust_forwarded_for: false,
            rate_limits: RateLimitConfig::default(),
            metrics_addr: None,
            cors_origins: Vec::new(),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("the HTTP server failed")
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("interrupted; shutting down"),
        () = terminate => tracing::info!("terminated; shutting down"),
    }
}

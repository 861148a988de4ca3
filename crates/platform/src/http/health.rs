//! `/health/live` (the process answers) and `/health/ready` (every dependency answers).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::future::BoxFuture;
use serde::Serialize;

/// How long one readiness check may take before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

type CheckFn = dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync;

/// One dependency `/health/ready` asks, such as a service's database.
#[derive(Clone)]
pub struct ReadinessCheck {
    name: String,
    check: Arc<CheckFn>,
}

impl ReadinessCheck {
    /// A named check; the closure answers `Ok` when the dependency is reachable.
    pub fn new<F>(name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync + 'static,
    {
        Self {
            name: name.into(),
            check: Arc::new(check),
        }
    }

    /// Asks the dependency, within the check timeout.
    pub async fn check(&self) -> Result<(), String> {
        match tokio::time::timeout(CHECK_TIMEOUT, (self.check)()).await {
            Ok(outcome) => outcome,
            Err(_) => Err("timed out".into()),
        }
    }

    /// A check that the database takes a query.
    pub fn database(name: impl Into<String>, database: crate::db::Database) -> Self {
        Self::new(name, move || {
            let database = database.clone();
            Box::pin(async move { database.ping().await.map_err(|error| error.to_string()) })
        })
    }
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    checks: Vec<CheckResult>,
}

#[derive(Serialize)]
struct CheckResult {
    name: String,
    status: &'static str,
}

/// Cloned for every request to these routes, so a clone is one reference count.
#[derive(Clone)]
struct HealthState(Arc<Vec<ReadinessCheck>>);

/// The health routes.
pub fn health_router(checks: Vec<ReadinessCheck>) -> Router {
    Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .with_state(HealthState(Arc::new(checks)))
}

async fn live() -> Response {
    // A fixed answer, asked many times a second by probes: written once.
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        r#"{"status":"up"}"#,
    )
        .into_response()
}

async fn ready(State(state): State<HealthState>) -> Response {
    let results = futures::future::join_all(state.0.iter().map(|check| async move {
        let status = match check.check().await {
            Ok(()) => "up",
            Err(error) => {
                tracing::warn!(check = %check.name, %error, "readiness check failed");
                "down"
            }
        };
        CheckResult {
            name: check.name.clone(),
            status,
        }
    }))
    .await;
    let all_up = results.iter().all(|result| result.status == "up");
    let body = Readiness {
        status: if all_up { "up" } else { "down" },
        checks: results,
    };
    let status = if all_up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

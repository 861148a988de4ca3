//! Composition: a [`Service`] is what each domain crate builds; [`App`] puts any number of them
//! behind one listener with the health, metrics and documentation routes and the middleware
//! stack. The embedded mode runs every service in one `App`; the distributed mode runs one.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;

use axum::Router;
use futures::future::BoxFuture;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use utoipa::openapi::OpenApi;

use crate::http::{
    HttpConfig, HttpMetrics, ReadinessCheck, apply_stack, apply_stack_with_site, docs_router,
    health_router, metrics_router,
};

/// How long background tasks get to finish after the server has stopped.
const TASK_GRACE: Duration = Duration::from_secs(10);

/// A background task: runs until the token is cancelled.
pub type BackgroundTask = Box<dyn FnOnce(CancellationToken) -> BoxFuture<'static, ()> + Send>;

/// A task that runs `work` every `every` (the first time at once) until cancelled. `work` logs
/// its own failures: a failed round must not stop the next.
pub fn periodic<F, Fut>(every: Duration, work: F) -> BackgroundTask
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Box::new(move |cancel| {
        Box::pin(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    _ = ticks.tick() => work().await,
                }
            }
        })
    })
}

/// One service, built and ready to serve.
pub struct Service {
    /// Short name, as in `/api/<name>`.
    pub name: &'static str,
    /// Its routes, with their state, under `/api/<name>`.
    pub router: Router,
    /// Its API, generated from its handlers.
    pub openapi: OpenApi,
    /// What `/health/ready` must ask for this service.
    pub readiness: Vec<ReadinessCheck>,
    /// Work that runs beside the HTTP server (pruning, expiry, relays).
    pub tasks: Vec<BackgroundTask>,
}

/// Several services behind one listener.
pub struct App {
    router: Router,
    /// `/metrics` on an address of its own, when configured so.
    metrics: Option<(SocketAddr, Router)>,
    tasks: Vec<BackgroundTask>,
}

/// `router` with `/metrics` beside its routes, or the metrics router apart when the config
/// gives it an address of its own.
fn place_metrics(
    router: Router,
    http: &HttpConfig,
    metrics: &HttpMetrics,
) -> (Router, Option<(SocketAddr, Router)>) {
    let served = metrics_router(metrics.clone());
    match http.metrics_addr {
        Some(address) => (router, Some((address, served))),
        None => (router.merge(served), None),
    }
}

impl App {
    /// Merges `services` with the shared routes and wraps them in the middleware stack.
    pub fn compose(services: Vec<Service>, http: &HttpConfig, metrics: HttpMetrics) -> Self {
        Self::compose_with_site(services, None, http, metrics)
    }

    /// As [`App::compose`], with `site` (the website's service) answering every path outside
    /// the API's: its routes, and its own 404 page for paths nobody serves.
    pub fn compose_with_site(
        services: Vec<Service>,
        site: Option<Service>,
        http: &HttpConfig,
        metrics: HttpMetrics,
    ) -> Self {
        let mut router = Router::new();
        let mut document = base_document();
        let mut checks = Vec::new();
        let mut tasks = Vec::new();
        for service in services {
            router = router.merge(service.router);
            document.merge(service.openapi);
            checks.extend(service.readiness);
            tasks.extend(service.tasks);
        }
        let site = site.map(|site| {
            checks.extend(site.readiness);
            tasks.extend(site.tasks);
            site.router
        });
        crate::http::problems::complete(&mut document);
        let router = router
            .merge(health_router(checks))
            .merge(docs_router(document));
        let (router, apart) = place_metrics(router, http, &metrics);
        let router = match site {
            Some(site) => apply_stack_with_site(router, site, http, metrics),
            None => apply_stack(router, http, metrics),
        };
        Self {
            router,
            metrics: apart,
            tasks,
        }
    }

    /// An edge: `router` answers every path itself (its fallback forwards what its routes do
    /// not take), wrapped in the middleware stack, with `tasks` beside it.
    pub fn edge(
        router: Router,
        tasks: Vec<BackgroundTask>,
        http: &HttpConfig,
        metrics: HttpMetrics,
    ) -> Self {
        let (router, apart) = place_metrics(router, http, &metrics);
        Self {
            router: crate::http::apply_stack_keeping_fallback(router, http, metrics),
            metrics: apart,
            tasks,
        }
    }

    /// `/metrics` when it is served on an address of its own (tests serve it themselves).
    pub fn metrics_router(&self) -> Option<Router> {
        self.metrics.as_ref().map(|(_, router)| router.clone())
    }

    /// The composed router, for calling in process (tests, the embedded clients).
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The background tasks, for running the app's router elsewhere (tests).
    pub fn into_tasks(self) -> Vec<BackgroundTask> {
        self.tasks
    }

    /// Serves until `shutdown` completes, then lets requests in flight and background tasks
    /// finish. Binds the metrics address, when there is one, first.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let cancel = CancellationToken::new();
        if let Some((address, router)) = self.metrics {
            let metrics_listener = TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen for metrics on {address}"))?;
            tracing::info!(address = %metrics_listener.local_addr()?, "metrics are served apart");
            let stopped = cancel.clone();
            tokio::spawn(async move {
                let stop = async move { stopped.cancelled().await };
                if let Err(error) = crate::http::serve(metrics_listener, router, stop).await {
                    tracing::error!(%error, "the metrics server failed");
                }
            });
        }
        let handles: Vec<_> = self
            .tasks
            .into_iter()
            .map(|task| tokio::spawn(task(cancel.clone())))
            .collect();
        let served = crate::http::serve(listener, self.router, shutdown).await;
        cancel.cancel();
        let finished = tokio::time::timeout(TASK_GRACE, futures::future::join_all(handles)).await;
        if finished.is_err() {
            tracing::warn!("background tasks did not stop in time");
        }
        served
    }
}

/// The document every merged API starts from: the title, the problem schema, bearer auth.
pub fn base_document() -> OpenApi {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder};
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Tienda API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The shop and customer-care platform. Errors are RFC 9457 problem documents \
                     (`application/problem+json`); see docs/api.md for the conventions.",
                ))
                .build(),
        )
        .components(Some(
            ComponentsBuilder::new()
                // Every problem answer refers to it (`crate::http::problems`).
                .schema_from::<crate::error::Problem>()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(
                        HttpBuilder::new()
                            .scheme(HttpAuthScheme::Bearer)
                            .bearer_format("JWT")
                            .build(),
                    ),
                )
                .build(),
        ))
        .build()
}

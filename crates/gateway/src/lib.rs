//! The edge in distributed mode (`tienda gateway`): the one public entry point. It routes
//! `/api/<service>/...` to that service's replicas and every other path to the website's, and
//! holds what belongs at the edge: per-client rate limits (platform's, as every process has
//! them, `HttpConfig::rate_limits`), the body limit, timeouts,
//! `X-Forwarded-*` and `x-request-id`, the merged OpenAPI document, and readiness that reports
//! each upstream. It owns no data and checks no token: every service verifies its own.
//!
//! - `config.rs`: the upstreams and timeouts.
//! - `upstreams.rs`: the replicas of one upstream, in turn, a failing one left out a while.
//! - `proxy.rs`: forwarding one request and its answer.
//! - `docs.rs`: the merged OpenAPI and Swagger UI.
//!
//! ADR 0009 records why it is built this way (hyper-util's pooled client under axum).

mod config;
mod docs;
mod proxy;
mod upstreams;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use platform::App;
use platform::http::{HttpConfig, HttpMetrics, ReadinessCheck, health_router};
use utoipa::openapi::OpenApi;

pub use config::{API_SERVICES, Config, SITE, replicas};

use upstreams::Pool;

/// The gateway's shared state.
pub(crate) struct Gateway {
    api: Vec<Pool>,
    site: Pool,
    client: Client<HttpConnector, Body>,
    trust_forwarded: bool,
    body_limit: usize,
    connect_timeout: Duration,
    document_ttl: Duration,
    document: Mutex<Option<(Instant, Arc<OpenApi>)>>,
}

impl Gateway {
    /// The upstream that answers `path`: the API service it names, the site for any path
    /// outside `/api`, none for an `/api` path naming no service.
    fn route(&self, path: &str) -> Option<&Pool> {
        let Some(rest) = path
            .strip_prefix("/api")
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        else {
            return Some(&self.site);
        };
        let name = rest.trim_start_matches('/').split('/').next()?;
        self.api.iter().find(|pool| pool.name == name)
    }

    fn cached_document(&self) -> Option<Arc<OpenApi>> {
        let kept = self.document.lock().unwrap_or_else(PoisonError::into_inner);
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < self.document_ttl)
            .map(|(_, document)| document.clone())
    }

    fn keep_document(&self, document: Arc<OpenApi>, at: Instant) {
        *self.document.lock().unwrap_or_else(PoisonError::into_inner) = Some((at, document));
    }

    /// The upstream called `name`: an API service or the site.
    fn upstream(&self, name: &str) -> Option<&Pool> {
        self.api
            .iter()
            .chain([&self.site])
            .find(|pool| pool.name == name)
    }

    /// A GET of `path` (no leading slash) on `replica`, for the gateway's own questions.
    async fn ask(
        &self,
        replica: &upstreams::Replica,
        path: &str,
    ) -> Result<http::Response<hyper::body::Incoming>, String> {
        let uri: http::Uri = format!("{}{path}", replica.base)
            .parse()
            .map_err(|_| format!("{}{path} is not a URL", replica.base))?;
        let mut request = http::Request::new(Body::empty());
        *request.uri_mut() = uri;
        self.client
            .request(request)
            .await
            .map_err(|error| format!("{}: {error}", replica.base))
    }

    /// Readiness of one upstream: up when any of its replicas says it is ready.
    async fn upstream_ready(&self, pool: &Pool) -> Result<(), String> {
        let asks = pool.replicas.iter().map(|replica| async move {
            let response = self.ask(replica, "health/ready").await?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("{} says {}", replica.base, response.status()))
            }
        });
        let answers = futures::future::join_all(asks).await;
        if answers.iter().any(Result::is_ok) {
            return Ok(());
        }
        Err(answers
            .into_iter()
            .filter_map(Result::err)
            .collect::<Vec<_>>()
            .join("; "))
    }
}

/// Builds the gateway: its routes (health, metrics, documents) and, for every other path, the
/// proxy, all in the standard middleware stack (with its rate limits).
pub fn build(config: Config, http: &HttpConfig, metrics: HttpMetrics) -> anyhow::Result<App> {
    let pool = |name: &'static str| {
        config
            .upstreams
            .iter()
            .find(|(upstream, _)| *upstream == name)
            .map(|(_, replicas)| Pool::new(name, replicas.clone(), config.eject_for))
            .ok_or_else(|| anyhow::anyhow!("the gateway needs the {name} service's URL"))
    };
    let api = API_SERVICES
        .into_iter()
        .map(pool)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(config.connect_timeout));
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(256)
        .build(connector);
    let gateway = Arc::new(Gateway {
        api,
        site: pool(SITE)?,
        client,
        trust_forwarded: http.trust_forwarded_for,
        body_limit: http.body_limit_bytes,
        connect_timeout: config.connect_timeout,
        document_ttl: config.document_ttl,
        document: Mutex::new(None),
    });
    let checks = API_SERVICES
        .into_iter()
        .chain([SITE])
        .map(|name| {
            let gateway = gateway.clone();
            ReadinessCheck::new(name, move || {
                let gateway = gateway.clone();
                Box::pin(async move {
                    match gateway.upstream(name) {
                        Some(pool) => gateway.upstream_ready(pool).await,
                        None => Err(format!("no upstream called {name}")),
                    }
                })
            })
        })
        .collect();
    let forwarded = docs::router().fallback(proxy::forward).with_state(gateway);
    let router = health_router(checks).fallback_service(forwarded);
    Ok(App::edge(router, Vec::new(), http, metrics))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn gateway() -> Gateway {
        let base = || vec![http::Uri::from_static("http://127.0.0.1:1")];
        let pools: Vec<Pool> = API_SERVICES
            .into_iter()
            .map(|name| Pool::new(name, base(), Duration::from_secs(1)))
            .collect();
        Gateway {
            api: pools,
            site: Pool::new(SITE, base(), Duration::from_secs(1)),
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
            trust_forwarded: false,
            body_limit: 1024,
            connect_timeout: Duration::from_secs(1),
            document_ttl: Duration::from_secs(1),
            document: Mutex::new(None),
        }
    }

    #[test]
    fn paths_go_to_the_service_they_name_and_the_rest_to_the_site() {
        let gateway = gateway();
        let route = |path: &str| gateway.route(path).map(|pool| pool.name);
        assert_eq!(route("/api/catalog/products"), Some("catalog"));
        assert_eq!(route("/api/catalog"), Some("catalog"));
        assert_eq!(route("/api/identity/login?x=1"), Some("identity"));
        assert_eq!(route("/api/unknown/x"), None);
        assert_eq!(route("/api"), None);
        assert_eq!(route("/api/"), None);
        assert_eq!(route("/api/catalogue/x"), None);
        assert_eq!(route("/"), Some("web"));
        assert_eq!(route("/apiary"), Some("web"));
        assert_eq!(route("/products/1"), Some("web"));
    }
}

//! Prometheus metrics for HTTP: requests by route, method and status, and a latency histogram
//! by route. Each [`HttpMetrics`] owns its registry, so several apps in one process (as in
//! tests) do not share counters.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// The process's metrics registry and the HTTP instruments in it. Cloned for every request
/// (the metrics layer's state), so a clone is one reference count.
#[derive(Clone)]
pub struct HttpMetrics(Arc<Instruments>);

struct Instruments {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpMetrics {
    /// A fresh registry with the HTTP instruments registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tienda");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route and method",
            latency.clone(),
        );
        Self(Arc::new(Instruments {
            registry: Mutex::new(registry),
            requests,
            latency,
        }))
    }

    /// Lets another part of the process register its own instruments (pool, outbox, ...).
    pub fn register<F>(&self, register: F)
    where
        F: FnOnce(&mut Registry),
    {
        if let Ok(mut registry) = self.0.registry.lock() {
            register(&mut registry);
        }
    }

    /// The registry in the Prometheus text format.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut body = String::new();
        let registry = self.0.registry.lock().map_err(|_| std::fmt::Error)?;
        encode(&mut body, &registry)?;
        Ok(body)
    }
}

/// The method as a label, from a fixed set: a client can send any token as a method, and each
/// new one would otherwise add series to `/metrics` for good.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A request being measured: from [`HttpMetrics::start`] to [`HttpMetrics::finish`].
pub(crate) struct Measuring {
    started: Instant,
    method: &'static str,
    route: String,
}

impl HttpMetrics {
    /// Starts measuring `request`.
    pub(crate) fn start(&self, request: &Request) -> Measuring {
        // The route template, not the path: `/api/identity/users/{id}`, so ids do not explode
        // the label space. Unmatched paths share one label.
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map(|path| path.as_str().to_owned())
            .unwrap_or_else(|| "unmatched".to_owned());
        Measuring {
            started: Instant::now(),
            method: method_label(request.method()),
            route,
        }
    }

    /// Records the answer's time and status.
    pub(crate) fn finish(&self, measuring: Measuring, status: StatusCode) {
        let Measuring {
            started,
            method,
            route,
        } = measuring;
        self.0
            .latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.clone(),
            })
            .observe(started.elapsed().as_secs_f64());
        self.0
            .requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route,
                status: status.as_u16(),
            })
            .inc();
    }
}

/// `GET /metrics`, on the main address or, when `TIENDA_METRICS_ADDR` is set, on that one
/// alone (keep it private: it names every route and how busy it is).
pub fn metrics_router(metrics: HttpMetrics) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(serve_metrics))
        .with_state(metrics)
}

/// `GET /metrics`: the registry in the Prometheus text format.
async fn serve_metrics(State(metrics): State<HttpMetrics>) -> Response {
    match metrics.render() {
        Ok(body) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

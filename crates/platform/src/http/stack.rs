//! The middleware stack around every router, outermost first: the edge (request id, client
//! address, protective headers), panic catching, tracing span, metrics, rate limits and
//! timeout, body limit.
//! Each middleware function costs every request a clone of the service inside it and a boxed
//! future, so what can share a function does (/health/live went from 75k to 87k requests/s
//! with the cheaper clones, and further with fewer layers; docs/benchmarks.md).

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use super::HttpConfig;
use super::client_address::{settle_client_address, with_client_address};
use super::limits::RateLimits;
use super::metrics::HttpMetrics;
use super::request_id::{REQUEST_ID_HEADER, RequestId, settle_request_id, with_request_id};
use crate::error::ApiError;

/// Wraps `router` in the standard stack. Routes added to the result afterwards are not wrapped,
/// so call this last.
pub fn apply_stack(router: Router, config: &HttpConfig, metrics: HttpMetrics) -> Router {
    wrap(router.fallback(not_found), config, metrics)
}

/// Wraps `router` in the standard stack, with `site` (the website) answering every path the
/// router does not, but for the API's own prefixes (`/api/`, `/health/`, `/metrics`), which stay
/// problem documents. The site brings its own 404 page.
pub fn apply_stack_with_site(
    router: Router,
    site: Router,
    config: &HttpConfig,
    metrics: HttpMetrics,
) -> Router {
    let site = tower::service_fn(move |request: Request| {
        let site = site.clone();
        async move {
            if is_api_path(request.uri().path()) {
                return Ok::<_, std::convert::Infallible>(ApiError::NotFound.into_response());
            }
            site.oneshot(request).await
        }
    });
    wrap(router.fallback_service(site), config, metrics)
}

/// Wraps `router`, which brings its own fallback (the gateway's proxy), in the standard stack.
pub fn apply_stack_keeping_fallback(
    router: Router,
    config: &HttpConfig,
    metrics: HttpMetrics,
) -> Router {
    wrap(router, config, metrics)
}

/// Whether `path` belongs to the API rather than the website.
pub(super) fn is_api_path(path: &str) -> bool {
    ["/api", "/health", "/metrics"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn wrap(router: Router, config: &HttpConfig, metrics: HttpMetrics) -> Router {
    let timeout = config.request_timeout;
    let trust_forwarded_for = config.trust_forwarded_for;
    // One reference count for all that the measuring step needs, cloned per request.
    let measure = Arc::new(Measure {
        metrics,
        timeout,
        limits: RateLimits::new(config.rate_limits),
    });
    let inner = router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            measure_within_timeout(measure.clone(), request, next)
        }))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let request_id = request
                    .extensions()
                    .get::<RequestId>()
                    .map(|id| id.0.as_str())
                    .unwrap_or("unknown");
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id = %request_id,
                )
            }),
        )
        .layer(CatchPanicLayer::custom(panic_to_problem));
    // Each layer of a router costs every request a boxed clone: CORS is one only when configured.
    let inner = if config.cors_origins.is_empty() {
        inner
    } else {
        inner.layer(cors(&config.cors_origins))
    };
    inner.layer(middleware::from_fn(move |request: Request, next: Next| {
        edge(trust_forwarded_for, request, next)
    }))
}

/// Cross-origin calls from the pages of `origins` (and no other): the methods and headers the
/// API takes, the headers a client needs to read, and preflights answered for ten minutes.
/// Without origins there is no CORS at all, and browsers keep other sites' pages out.
fn cors(origins: &[HeaderValue]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            HeaderName::from_static(crate::idempotency::HEADER),
            HeaderName::from_static("x-cart-token"),
            REQUEST_ID_HEADER,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static(crate::idempotency::REPLAYED_HEADER),
            REQUEST_ID_HEADER,
        ])
        .max_age(Duration::from_secs(600))
}

/// What every request gets first and every answer last, errors and panics included: its
/// request id (settled, run under, echoed), its client address, and the protective headers:
/// `nosniff`, so a browser never guesses a type the server did not send; and
/// `Cache-Control: no-store` on the answers to authenticated requests (unless the route chose
/// otherwise), so no shared cache keeps one customer's data for another.
async fn edge(trust_forwarded_for: bool, mut request: Request, next: Next) -> Response {
    let authenticated = request.headers().contains_key(header::AUTHORIZATION);
    let address = settle_client_address(trust_forwarded_for, &mut request);
    let id = settle_request_id(&mut request);
    let work = with_client_address(address, next.run(request));
    let mut response = match &id {
        Some((id, _)) => with_request_id(Some(id.clone()), work).await,
        None => work.await,
    };
    let headers = response.headers_mut();
    if let Some((_, value)) = id {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if authenticated && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What the measuring step holds.
struct Measure {
    metrics: HttpMetrics,
    timeout: Duration,
    limits: Option<RateLimits>,
}

/// The request's time and status into the metrics, and its answer within the timeout (a
/// request that takes longer is answered with a problem, and counted so), or the rate limits'
/// refusal (counted too).
async fn measure_within_timeout(measure: Arc<Measure>, request: Request, next: Next) -> Response {
    let measuring = measure.metrics.start(&request);
    let refused = measure
        .limits
        .as_ref()
        .and_then(|limits| limits.check(&request));
    let response = match refused {
        Some(refused) => refused,
        None => match tokio::time::timeout(measure.timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_elapsed) => ApiError::Timeout.into_response(),
        },
    };
    measure.metrics.finish(measuring, response.status());
    response
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn panic_to_problem(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic");
    ApiError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_api_path;

    #[test]
    fn the_api_prefixes_are_whole_path_segments() {
        for path in [
            "/api",
            "/api/",
            "/api/catalog/x",
            "/health/live",
            "/metrics",
        ] {
            assert!(is_api_path(path), "{path}");
        }
        for path in ["/", "/apiary", "/products", "/metrics-page", "/healthy"] {
            assert!(!is_api_path(path), "{path}");
        }
    }
}

//! The gateway through HTTP, in front of small upstream servers that say what reached them.
//! (The whole shop behind the gateway is proven in `crates/tienda/tests/edge.rs`.)

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::get;
use futures::StreamExt;
use gateway::{API_SERVICES, Config, SITE};
use platform::http::{HttpConfig, HttpMetrics, RateLimitConfig};
use platform::testing::spawn_router;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An upstream replica named `name`: echoes what it received as JSON, and has a few special
/// paths (a slow one, a large one, readiness, an API document).
fn upstream(name: &'static str) -> Router {
    replica(name, "only")
}

/// As [`upstream`], one of several replicas, which says which it is.
fn replica(name: &'static str, replica: &'static str) -> Router {
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": name, "version": "1"},
        "paths": {format!("/api/{name}/things"): {"get": {"responses": {"200": {"description": "ok"}}}}}
    });
    Router::new()
        .route("/health/ready", get(|| async { "ready" }))
        .route(
            "/api/openapi.json",
            get(move || {
                let document = document.clone();
                async move { axum::Json(document) }
            }),
        )
        .route(
            &format!("/api/{name}/slow"),
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            &format!("/api/{name}/large"),
            get(|| async {
                let chunks = futures::stream::iter(
                    (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 64 * 1024]))),
                );
                Body::from_stream(chunks)
            }),
        )
        .fallback(move |request: Request| async move {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let headers: serde_json::Map<String, Value> = parts
                .headers
                .iter()
                .map(|(header, value)| {
                    (
                        header.as_str().to_owned(),
                        Value::from(value.to_str().unwrap_or_default()),
                    )
                })
                .collect();
            (
                [
                    ("connection", "x-upstream-secret"),
                    ("x-upstream-secret", "1"),
                ],
                axum::Json(json!({
                    "upstream": name,
                    "replica": replica,
                    "method": parts.method.as_str(),
                    "uri": parts.uri.to_string(),
                    "headers": headers,
                    "body_length": body.len(),
                })),
            )
                .into_response()
        })
}

/// An address nobody listens on.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await;
    match listener.and_then(|listener| listener.local_addr()) {
        Ok(address) => address,
        Err(error) => panic!("no port: {error}"),
    }
}

struct Edge {
    base: String,
    http: reqwest::Client,
}

/// A gateway in front of one replica per upstream, with `extra` replicas for catalog, and the
/// given limits.
async fn edge(catalog: Vec<SocketAddr>, tweak: impl FnOnce(&mut Config, &mut HttpConfig)) -> Edge {
    let mut upstreams = Vec::new();
    for name in API_SERVICES.into_iter().chain([SITE]) {
        let addresses = if name == "catalog" && !catalog.is_empty() {
            catalog.clone()
        } else {
            vec![spawn_router(upstream(name)).await]
        };
        let list = addresses
            .iter()
            .map(|address| format!("http://{address}"))
            .collect::<Vec<_>>()
            .join(",");
        match gateway::replicas(name, &list) {
            Ok(replicas) => upstreams.push((name, replicas)),
            Err(error) => panic!("{error:#}"),
        }
    }
    let mut config = Config::new(upstreams);
    config.eject_for = Duration::from_secs(30);
    let mut http = HttpConfig {
        request_timeout: Duration::from_secs(10),
        body_limit_bytes: 64 * 1024,
        ..platform::testing::http_config()
    };
    tweak(&mut config, &mut http);
    let app = match gateway::build(config, &http, HttpMetrics::new()) {
        Ok(app) => app,
        Err(error) => panic!("gateway: {error:#}"),
    };
    let address = spawn_router(app.router()).await;
    Edge {
        base: format!("http://{address}"),
        http: reqwest::Client::new(),
    }
}

impl Edge {
    async fn get(&self, path: &str) -> reqwest::Response {
        match self.http.get(format!("{}{path}", self.base)).send().await {
            Ok(response) => response,
            Err(error) => panic!("GET {path}: {error}"),
        }
    }
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap_or_default()
}

#[tokio::test]
async fn each_path_goes_to_its_upstream_with_the_forwarded_headers_and_no_hop_by_hop_ones() {
    let edge = edge(Vec::new(), |_, _| {}).await;
    for (path, upstream) in [
        ("/api/catalog/products?kind=book", "catalog"),
        ("/api/identity/login", "identity"),
        ("/api/support/incidents", "support"),
        ("/", "web"),
        ("/products/42?x=1", "web"),
        ("/apiary", "web"),
    ] {
        let response = edge.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers().get("x-upstream-secret").is_none(),
            "a header the upstream named in Connection came through"
        );
        let seen = json(response).await;
        assert_eq!(seen["upstream"], upstream, "{path}");
        assert_eq!(seen["uri"], path, "{path}");
        assert_eq!(seen["headers"]["x-forwarded-for"], "127.0.0.1");
        assert_eq!(seen["headers"]["x-forwarded-proto"], "http");
        assert!(seen["headers"]["x-request-id"].as_str().is_some());
    }

    let sent = edge
        .http
        .get(format!("{}/api/orders/orders", edge.base))
        .header("x-request-id", "trace-me-42")
        .header("x-forwarded-for", "6.6.6.6")
        .header("connection", "x-private")
        .header("x-private", "secret")
        .header("proxy-authorization", "Basic Zm9vOmJhcg==")
        .header("authorization", "Bearer token")
        .send()
        .await;
    let seen = match sent {
        Ok(response) => {
            assert_eq!(
                response
                    .headers()
                    .get("x-request-id")
                    .and_then(|id| id.to_str().ok()),
                Some("trace-me-42")
            );
            json(response).await
        }
        Err(error) => panic!("{error}"),
    };
    assert_eq!(seen["headers"]["x-request-id"], "trace-me-42");
    assert_eq!(
        seen["headers"]["x-forwarded-for"], "127.0.0.1",
        "a client claimed another address"
    );
    assert_eq!(seen["headers"]["authorization"], "Bearer token");
    assert!(seen["headers"].get("x-private").is_none());
    assert!(seen["headers"].get("proxy-authorization").is_none());

    for path in ["/api/nothing/x", "/api", "/api/"] {
        let response = edge.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok()),
            Some("application/problem+json")
        );
    }
}

#[tokio::test]
async fn replicas_take_turns_and_one_that_is_down_is_left_out() {
    let first = spawn_router(replica("catalog", "first")).await;
    let second = spawn_router(replica("catalog", "second")).await;
    let dead = closed_port().await;
    let edge = edge(vec![first, dead, second], |_, _| {}).await;
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..9 {
        let response = edge.get("/api/catalog/products").await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "a GET was not retried on another replica"
        );
        let seen_by = json(response).await;
        assert_eq!(
            seen_by["headers"]["host"],
            edge.base.trim_start_matches("http://"),
            "the client's Host is kept"
        );
        let replica = seen_by["replica"].as_str().unwrap_or_default().to_owned();
        *seen.entry(replica).or_insert(0) += 1;
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        vec![("first".to_owned(), 5), ("second".to_owned(), 4)],
        "the live replicas did not take turns"
    );

    // The same through bodies: a POST is never retried, so the dead replica costs at most one
    // answer, and afterwards it is out of turn.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let sent = edge
            .http
            .post(format!("{}/api/catalog/products", edge.base))
            .body("{}")
            .send()
            .await;
        statuses.push(sent.map(|response| response.status()).ok());
    }
    assert!(
        statuses
            .iter()
            .all(|status| *status == Some(StatusCode::OK)),
        "the dead replica was not left out after the GETs found it: {statuses:?}"
    );
}

#[tokio::test]
async fn an_upstream_that_is_down_is_a_quick_503_problem_and_readiness_names_it() {
    let dead = closed_port().await;
    let edge = edge(vec![dead], |_, _| {}).await;
    let started = Instant::now();
    let response = edge.get("/api/catalog/products").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    let problem = json(response).await;
    assert_eq!(problem["status"], 503);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("catalog")),
        "{problem}"
    );

    let ready = edge.get("/health/ready").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let checks = json(ready).await["checks"].clone();
    let state = |name: &str| {
        checks
            .as_array()
            .and_then(|checks| checks.iter().find(|check| check["name"] == name))
            .map(|check| check["status"].clone())
    };
    assert_eq!(state("catalog"), Some(json!("down")));
    for name in ["identity", "customers", "orders", "support", "web"] {
        assert_eq!(state(name), Some(json!("up")), "{name}");
    }
    assert_eq!(edge.get("/health/live").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_slow_upstream_times_out_with_a_503() {
    let edge = edge(Vec::new(), |_, http| {
        http.request_timeout = Duration::from_millis(500);
    })
    .await;
    let started = Instant::now();
    let response = edge.get("/api/catalog/slow").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn clients_over_their_rate_get_429_with_retry_after() {
    let edge = edge(Vec::new(), |_, http| {
        http.rate_limits = RateLimitConfig {
            per_second: 1,
            burst: 3,
            ..RateLimitConfig::default()
        };
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(edge.get("/api/catalog/products").await.status());
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    let limited = edge.get("/api/catalog/products").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = platform::testing::retry_after(&limited);
    assert!(retry_after.is_some_and(|secs| (1..=2).contains(&secs)));
    // Probes are never limited.
    assert_eq!(edge.get("/health/live").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn bodies_stream_both_ways_under_the_limit() {
    let edge = edge(Vec::new(), |_, _| {}).await;
    // Within the limit, the body arrives whole.
    let sent = edge
        .http
        .post(format!("{}/api/orders/carts", edge.base))
        .body(vec![b'a'; 60 * 1024])
        .send()
        .await;
    let seen = match sent {
        Ok(response) => json(response).await,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(seen["body_length"], 60 * 1024);

    // Over it, declared: 413 without reaching the upstream.
    let sent = edge
        .http
        .post(format!("{}/api/orders/carts", edge.base))
        .body(vec![b'a'; 65 * 1024])
        .send()
        .await;
    assert_eq!(
        sent.map(|response| response.status()).ok(),
        Some(StatusCode::PAYLOAD_TOO_LARGE)
    );

    // Over it, streamed without a length: 413 too.
    let chunks = futures::stream::iter(
        (0..40).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; 4096]))),
    );
    let sent = edge
        .http
        .post(format!("{}/api/orders/carts", edge.base))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    assert_eq!(
        sent.map(|response| response.status()).ok(),
        Some(StatusCode::PAYLOAD_TOO_LARGE)
    );

    // A large answer streams through whole (4 MiB, far over the request limit).
    let response = edge.get("/api/catalog/large").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut total = 0;
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        total += chunk.map(|bytes| bytes.len()).unwrap_or_default();
    }
    assert_eq!(total, 64 * 64 * 1024);
}

#[tokio::test]
async fn the_openapi_documents_of_the_services_are_merged_with_swagger_ui_over_them() {
    let edge = edge(Vec::new(), |_, _| {}).await;
    let response = edge.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document = json(response).await;
    assert_eq!(document["info"]["title"], "Tienda API");
    for service in API_SERVICES {
        assert!(
            document["paths"]
                .get(format!("/api/{service}/things"))
                .is_some(),
            "{service} missing from the merged document"
        );
    }
    assert!(document["components"]["schemas"].get("Problem").is_some());
    let docs = edge.get("/api/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    let config = edge.get("/api/docs/swagger-initializer.js").await;
    let text = config.text().await.unwrap_or_default();
    assert!(text.contains("/api/openapi.json"), "{text}");
}

//! The middleware stack and serving, through real sockets: timeouts, panics, roles, graceful
//! shutdown.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use platform::App;
use platform::http::{HttpConfig, HttpMetrics};
use platform::testing::spawn_router;
use reqwest::StatusCode;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// A service of nothing but `router`, to compose as the binary does.
fn service(router: Router) -> platform::Service {
    platform::Service {
        name: "test",
        router,
        openapi: utoipa::openapi::OpenApiBuilder::new().build(),
        readiness: vec![],
        tasks: vec![],
    }
}

/// An app of one route, `GET /fine`, composed as the binary composes services; its address.
async fn serve_fine() -> std::net::SocketAddr {
    serve_fine_with(&HttpConfig::default()).await.0
}

/// As [`serve_fine`] with `config`; also the app, for what it serves apart.
async fn serve_fine_with(config: &HttpConfig) -> (std::net::SocketAddr, App) {
    let fine = Router::new().route(
        "/fine",
        get(|| async { "fine" }).post(|| async { "posted" }),
    );
    let app = App::compose(vec![service(fine)], config, HttpMetrics::new());
    (spawn_router(app.router()).await, app)
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn app(router: Router, timeout: Duration) -> Router {
    let config = HttpConfig {
        request_timeout: timeout,
        ..HttpConfig::default()
    };
    platform::http::apply_stack(router, &config, HttpMetrics::new())
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(400)).await;
    "done"
}

/// A slow route that says when it has started.
fn slow_and_started() -> (Router, Arc<Notify>) {
    let started = Arc::new(Notify::new());
    let signal = started.clone();
    let router = Router::new().route(
        "/slow",
        get(move || {
            signal.notify_one();
            slow()
        }),
    );
    (router, started)
}

#[expect(clippy::panic, reason = "the route exists to panic")]
async fn explode() -> &'static str {
    panic!("secret connection string postgres://u:hunter2@db")
}

#[tokio::test]
async fn a_request_over_the_timeout_gets_503_as_a_problem() -> anyhow::Result<()> {
    let address = spawn_router(app(
        Router::new().route("/slow", get(slow)),
        Duration::from_millis(50),
    ))
    .await;
    let response = reqwest::get(format!("http://{address}/slow")).await?;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["type"], "urn:tienda:problem:timeout");
    Ok(())
}

#[tokio::test]
async fn a_panicking_handler_gets_a_bare_500_and_the_server_lives_on() -> anyhow::Result<()> {
    let router = Router::new()
        .route("/explode", get(explode))
        .route("/fine", get(|| async { "fine" }));
    let address = spawn_router(app(router, Duration::from_secs(5))).await;
    let response = reqwest::get(format!("http://{address}/explode")).await?;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = response.text().await?;
    assert!(
        !text.contains("hunter2") && !text.contains("panic"),
        "{text}"
    );
    assert!(text.contains("\"status\":500"));
    let fine = reqwest::get(format!("http://{address}/fine")).await?;
    assert_eq!(fine.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() -> anyhow::Result<()> {
    let (router, started) = slow_and_started();
    let app = App::compose(
        vec![service(router)],
        &HttpConfig::default(),
        HttpMetrics::new(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run(listener, async {
        let _ = stopped.await;
    }));
    let in_flight = tokio::spawn(reqwest::get(format!("http://{address}/slow")));
    started.notified().await;
    let _ = stop.send(());
    let response = in_flight.await??;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await?, "done");
    server.await??;
    // Stopped: new connections are refused.
    assert!(
        reqwest::get(format!("http://{address}/slow"))
            .await
            .is_err()
    );
    Ok(())
}

#[tokio::test]
async fn readiness_names_the_failing_check_with_503() -> anyhow::Result<()> {
    let up = platform::http::ReadinessCheck::new("up", || Box::pin(async { Ok(()) }));
    let down = platform::http::ReadinessCheck::new("broker", || {
        Box::pin(async { Err("connection refused".to_owned()) })
    });
    let router = platform::http::health_router(vec![up, down]);
    let address = spawn_router(router).await;
    let response = reqwest::get(format!("http://{address}/health/ready")).await?;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["checks"][1]["name"], "broker");
    assert_eq!(body["checks"][1]["status"], "down");
    assert!(
        !body.to_string().contains("refused"),
        "check errors stay in the logs"
    );
    Ok(())
}

#[tokio::test]
async fn made_up_methods_add_no_series_to_the_metrics() -> anyhow::Result<()> {
    let address = serve_fine().await;
    let client = reqwest::Client::new();
    for n in 0..50 {
        let method = reqwest::Method::from_bytes(format!("BREW{n}").as_bytes())?;
        client
            .request(method, format!("http://{address}/fine"))
            .send()
            .await?;
    }
    client.get(format!("http://{address}/fine")).send().await?;
    let metrics = reqwest::get(format!("http://{address}/metrics"))
        .await?
        .text()
        .await?;
    assert!(!metrics.contains("BREW"), "a made-up method became a label");
    assert!(metrics.contains("method=\"other\""));
    assert!(metrics.contains("method=\"GET\""));
    Ok(())
}

#[tokio::test]
async fn every_answer_is_nosniff_and_authenticated_ones_are_not_stored() -> anyhow::Result<()> {
    let address = serve_fine().await;
    let client = reqwest::Client::new();
    let public = client.get(format!("http://{address}/fine")).send().await?;
    assert_eq!(
        header(&public, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(header(&public, "cache-control"), None);
    let missing = client
        .get(format!("http://{address}/nothing"))
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        header(&missing, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let authenticated = client
        .get(format!("http://{address}/fine"))
        .bearer_auth("a-token")
        .send()
        .await?;
    assert_eq!(
        header(&authenticated, "cache-control").as_deref(),
        Some("no-store")
    );
    Ok(())
}

#[tokio::test]
async fn metrics_on_an_address_of_their_own_leave_the_api() -> anyhow::Result<()> {
    let config = HttpConfig {
        metrics_addr: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ..HttpConfig::default()
    };
    let (address, app) = serve_fine_with(&config).await;
    reqwest::get(format!("http://{address}/fine")).await?;
    let public = reqwest::get(format!("http://{address}/metrics")).await?;
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        header(&public, "content-type").as_deref(),
        Some("application/problem+json")
    );
    let Some(apart) = app.metrics_router() else {
        panic!("no metrics router apart")
    };
    let private = spawn_router(apart).await;
    let metrics = reqwest::get(format!("http://{private}/metrics")).await?;
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(metrics.text().await?.contains("route=\"/fine\""));
    // Without the setting, beside the API as before.
    let (address, app) = serve_fine_with(&HttpConfig::default()).await;
    assert!(app.metrics_router().is_none());
    let beside = reqwest::get(format!("http://{address}/metrics")).await?;
    assert_eq!(beside.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn cross_origin_calls_are_off_unless_the_origin_is_listed() -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let preflight = |address: std::net::SocketAddr, origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, format!("http://{address}/fine"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    // By default no origin gets CORS headers.
    let closed = serve_fine().await;
    let refused = preflight(closed, "https://shop.example.com").await?;
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    let simple = client
        .get(format!("http://{closed}/fine"))
        .header("origin", "https://shop.example.com")
        .send()
        .await?;
    assert_eq!(header(&simple, "access-control-allow-origin"), None);

    let config = HttpConfig {
        cors_origins: vec![axum::http::HeaderValue::from_static(
            "https://shop.example.com",
        )],
        ..HttpConfig::default()
    };
    let (open, _app) = serve_fine_with(&config).await;
    let allowed = preflight(open, "https://shop.example.com").await?;
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("https://shop.example.com")
    );
    let methods = header(&allowed, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("PATCH"),
        "{methods}"
    );
    let headers = header(&allowed, "access-control-allow-headers").unwrap_or_default();
    assert!(
        headers.contains("authorization") && headers.contains("idempotency-key"),
        "{headers}"
    );
    assert_eq!(
        header(&allowed, "access-control-max-age").as_deref(),
        Some("600")
    );
    assert_eq!(header(&allowed, "access-control-allow-credentials"), None);
    let answer = client
        .post(format!("http://{open}/fine"))
        .header("origin", "https://shop.example.com")
        .send()
        .await?;
    assert_eq!(
        header(&answer, "access-control-allow-origin").as_deref(),
        Some("https://shop.example.com")
    );
    let exposed = header(&answer, "access-control-expose-headers").unwrap_or_default();
    assert!(
        exposed.contains("etag") && exposed.contains("retry-after"),
        "{exposed}"
    );
    let stranger = preflight(open, "https://evil.example.net").await?;
    assert_eq!(header(&stranger, "access-control-allow-origin"), None);
    Ok(())
}

#[tokio::test]
async fn the_api_viewer_may_not_be_framed_and_its_missing_files_are_problems() -> anyhow::Result<()>
{
    let address = serve_fine().await;
    let page = reqwest::get(format!("http://{address}/api/docs/")).await?;
    assert_eq!(page.status(), StatusCode::OK);
    let policy = header(&page, "content-security-policy").unwrap_or_default();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(header(&page, "x-frame-options").as_deref(), Some("DENY"));
    let missing = reqwest::get(format!("http://{address}/api/docs/nothing.js")).await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        header(&missing, "content-type").as_deref(),
        Some("application/problem+json")
    );
    Ok(())
}

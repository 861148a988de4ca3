//! The rate limits of the embedded shop, as a client meets them: one address cannot register
//! dozens of accounts, open dozens of incidents or make hundreds of visitor carts in a moment;
//! other clients are not held up by it; probes are never limited.

use platform::testing::spawn_router;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tienda::Settings;

#[expect(dead_code, reason = "this file restarts no process")]
mod common;

use common::{json_of, send};

async fn shop(dir: &std::path::Path, settings: Settings) -> String {
    let built = tienda::build_embedded(&Settings {
        data_dir: dir.to_path_buf(),
        ..settings
    })
    .await;
    let built = built.unwrap_or_else(|error| panic!("the shop did not start: {error:#}"));
    format!("http://{}", spawn_router(built.app.router()).await)
}

/// The statuses of `count` requests made one after another.
async fn statuses(
    count: usize,
    request: impl Fn(usize) -> reqwest::RequestBuilder,
) -> Vec<StatusCode> {
    let mut seen = Vec::with_capacity(count);
    for n in 0..count {
        seen.push(send(request(n)).await.status());
    }
    seen
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|seen| **seen == status).count()
}

/// A refusal as the API sends it: 429, a problem document, and a `Retry-After` of whole
/// seconds, at least one.
async fn assert_refused(response: reqwest::Response) {
    let retry_after = platform::testing::retry_after(&response);
    assert!(retry_after.is_some_and(|secs| secs >= 1), "{retry_after:?}");
    let problem = platform::testing::assert_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(problem["status"], 429);
}

/// A registration of the `n`th account named `who`.
fn registration(
    client: &reqwest::Client,
    base: &str,
    who: &str,
    n: usize,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}/api/identity/register"))
        .json(&json!({
            "email": format!("{who}.{n}@example.com"),
            "password": "copper meadow lantern",
            "name": "Burst Tester",
        }))
}

async fn register(client: &reqwest::Client, base: &str, n: usize) -> reqwest::Response {
    send(registration(client, base, "burst", n)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_cannot_register_sixty_accounts_at_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = shop(dir.path(), Settings::default()).await;
    let client = reqwest::Client::new();
    let seen = statuses(60, |n| registration(&client, &base, "burst", n)).await;
    let created = count(&seen, StatusCode::CREATED);
    let refused = count(&seen, StatusCode::TOO_MANY_REQUESTS);
    // The burst (10), and what refills while the test runs (20 a minute).
    assert!((10..=15).contains(&created), "{created} created: {seen:?}");
    assert_eq!(created + refused, 60, "{seen:?}");
    assert_refused(register(&client, &base, 99).await).await;
    // Reads and probes are not guarded actions.
    let products = send(client.get(format!("{base}/api/catalog/products"))).await;
    assert_eq!(products.status(), StatusCode::OK);
    let live = send(client.get(format!("{base}/health/live"))).await;
    assert_eq!(live.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_are_limited_per_customer_and_visitor_carts_per_address() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = shop(dir.path(), Settings::default()).await;
    let client = reqwest::Client::new();
    for n in 0..2 {
        assert_eq!(
            register(&client, &base, n).await.status(),
            StatusCode::CREATED
        );
    }
    let first = common::access_token(
        &client,
        &base,
        "burst.0@example.com",
        "copper meadow lantern",
    )
    .await;
    let second = common::access_token(
        &client,
        &base,
        "burst.1@example.com",
        "copper meadow lantern",
    )
    .await;
    let incident = |token: &str, n: usize| {
        client
            .post(format!("{base}/api/support/incidents"))
            .bearer_auth(token)
            .json(&json!({
                "subject": format!("Parcel {n} did not arrive"),
                "description": "The tracking page has not moved for a week.",
                "category": "order",
            }))
    };
    let seen = statuses(30, |n| incident(&first, n)).await;
    let opened = count(&seen, StatusCode::CREATED);
    assert!((10..=12).contains(&opened), "{opened} opened: {seen:?}");
    assert_eq!(count(&seen, StatusCode::TOO_MANY_REQUESTS), 30 - opened);
    assert_refused(send(incident(&first, 99)).await).await;
    // The other customer, from the same address, has a bucket of its own.
    let other = send(incident(&second, 0)).await;
    assert_eq!(
        other.status(),
        StatusCode::CREATED,
        "{:?}",
        json_of(other).await
    );

    // A visitor's item may make a cart (an unknown cart token makes one too): every anonymous
    // add counts against the address.
    let products: Value =
        json_of(send(client.get(format!("{base}/api/catalog/products?in_stock=true"))).await).await;
    let product = products["items"][0]["id"].clone();
    let add = || {
        client
            .post(format!("{base}/api/orders/cart/items"))
            .json(&json!({"product_id": product, "quantity": 1}))
    };
    let mut carts = 0;
    for _ in 0..30 {
        let response = send(add()).await;
        if response.status() == StatusCode::OK {
            carts += 1;
        } else {
            assert_refused(response).await;
        }
    }
    assert!((10..=12).contains(&carts), "{carts} carts");
    // A made-up cart token buys nothing.
    let made_up = "ab".repeat(32);
    assert_refused(send(add().header("x-cart-token", made_up)).await).await;
    // A signed-in customer's cart is not a visitor's: it goes on.
    let signed_in = send(add().bearer_auth(&second)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_counts_against_the_address_and_pages_get_a_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = shop(
        dir.path(),
        Settings {
            // Slow enough a refill that a slow run serves no more than a few beyond the burst.
            rate_limit_per_second: 1,
            rate_limit_burst: 10,
            ..Settings::default()
        },
    )
    .await;
    let client = reqwest::Client::new();
    let seen = statuses(40, |_| client.get(format!("{base}/api/catalog/products"))).await;
    let served = count(&seen, StatusCode::OK);
    assert!((10..=14).contains(&served), "{served} served: {seen:?}");
    assert_refused(send(client.get(format!("{base}/api/catalog/categories"))).await).await;
    // The website answers a person with a page, not a problem document.
    let page = send(client.get(format!("{base}/products"))).await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers().contains_key("retry-after"));
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("Too many requests"), "{html}");
    let spanish = send(
        client
            .get(format!("{base}/products"))
            .header("accept-language", "es-ES,es;q=0.9,en;q=0.5"),
    )
    .await;
    assert_eq!(spanish.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = spanish.text().await.unwrap_or_default();
    assert!(
        html.contains("Demasiadas peticiones") && html.contains("lang=\"es\""),
        "{html}"
    );
    // Probes and metrics are never limited.
    for path in ["/health/live", "/health/ready", "/metrics"] {
        let probe = send(client.get(format!("{base}{path}"))).await;
        assert_eq!(probe.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = shop(
        dir.path(),
        Settings {
            rate_limit_per_second: 0,
            ..Settings::default()
        },
    )
    .await;
    let client = reqwest::Client::new();
    let seen = statuses(25, |n| registration(&client, &base, "unlimited", n)).await;
    assert_eq!(count(&seen, StatusCode::CREATED), 25, "{seen:?}");
}

#[test]
fn the_binary_takes_its_limits_metrics_address_and_origins_from_the_environment() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A port nobody holds, for the metrics.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let shop = common::start(
        &[],
        &[
            ("TIENDA_DATA_DIR", dir.path().display().to_string()),
            ("TIENDA_RATE_LIMIT_PER_SECOND", "100".to_owned()),
            ("TIENDA_RATE_LIMIT_GUARDED_PER_MINUTE", "1".to_owned()),
            ("TIENDA_RATE_LIMIT_GUARDED_BURST", "2".to_owned()),
            ("TIENDA_METRICS_ADDR", free.to_string()),
            ("TIENDA_CORS_ORIGINS", "https://shop.example.com".to_owned()),
        ],
    );
    let client = reqwest::blocking::Client::new();
    let get = |url: String| {
        client
            .get(url)
            .send()
            .unwrap_or_else(|e| panic!("request failed: {e}"))
    };
    assert_eq!(
        get(format!("{}/metrics", shop.url)).status(),
        StatusCode::NOT_FOUND
    );
    let metrics = get(format!("http://{free}/metrics"));
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        metrics
            .text()
            .unwrap_or_default()
            .contains("tienda_http_requests_total")
    );
    let statuses: Vec<StatusCode> = (0..4)
        .map(|n| {
            client
                .post(format!("{}/api/identity/register", shop.url))
                .header("origin", "https://shop.example.com")
                .json(&json!({
                    "email": format!("env.{n}@example.com"),
                    "password": "copper meadow lantern",
                    "name": "Env Tester",
                }))
                .send()
                .map(|response| {
                    assert_eq!(
                        response
                            .headers()
                            .get("access-control-allow-origin")
                            .and_then(|value| value.to_str().ok()),
                        Some("https://shop.example.com")
                    );
                    response.status()
                })
                .unwrap_or_else(|e| panic!("request failed: {e}"))
        })
        .collect();
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[test]
fn a_bad_origin_stops_the_binary_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let output = std::process::Command::new(common::BINARY)
        .env("TIENDA_DATA_DIR", dir.path())
        .env("TIENDA_ADDR", "127.0.0.1:0")
        .env("TIENDA_CORS_ORIGINS", "https://shop.example.com/app")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("TIENDA_CORS_ORIGINS"), "{said}");
}

//! The database going away for a few seconds: requests get 503 problems with `Retry-After`
//! meanwhile (never a 500 or a hang), and the service answers again once it is back, without a
//! restart. On PostgreSQL, reached through a proxy the test cuts (the shared server stays up).

use std::time::{Duration, Instant};

use contracts::auth::Role;
use platform::config::ExposeSecret;
use platform::db::{Backend, DatabaseConfig};
use platform::testing::events::{TcpProxy, host_and_port, memory_bus, via};
use platform::testing::{TestDatabase, TestIssuer, serve};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set TIENDA_TEST_DATABASE_URL and pass --include-ignored"]
async fn a_database_away_for_seconds_is_503_with_retry_after_then_back_without_a_restart() {
    let database = TestDatabase::new(Backend::Postgres).await;
    let url = database.config.url.expose_secret().to_owned();
    let proxy = TcpProxy::start(host_and_port(&url)).await;
    let config = DatabaseConfig {
        acquire_timeout: Duration::from_secs(2),
        ..DatabaseConfig::from_url(via(&url, proxy.address()))
    };
    let issuer = TestIssuer::new();
    let built = catalog::build(
        catalog::Config::new(config),
        issuer.verifier(),
        &memory_bus(),
    )
    .await
    .unwrap_or_else(|error| panic!("catalog did not start: {error:#}"));
    let (app, _tasks) = serve(vec![built.service], catalog::PREFIX).await;
    let admin = issuer.user(Role::Admin);
    let books = json_body(
        app.post(&admin, "/categories", &json!({"name": "Books"}))
            .await,
    )
    .await;
    let category = text(&books["id"]);
    let list = |name: &'static str| {
        let body = book(&category, name, 999);
        let app = &app;
        let admin = &admin;
        async move { app.post(admin, "/products", &body).await }
    };
    assert_eq!(list("The Sea").await.status(), StatusCode::CREATED);

    proxy.cut();
    let started = Instant::now();
    for _ in 0..3 {
        let read = app.get(Anonymous, "/products").await;
        assert_eq!(read.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(platform::testing::retry_after(&read), Some(1));
        assert_problem(read, StatusCode::SERVICE_UNAVAILABLE).await;
    }
    let write = list("The Wind").await;
    assert_problem(write, StatusCode::SERVICE_UNAVAILABLE).await;
    // Each answer within the pool's wait, not a hang.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );

    proxy.restore();
    let mut back = false;
    for _ in 0..40 {
        if app.get(Anonymous, "/products").await.status() == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(back, "the catalog did not come back after the database did");
    let wind = list("The Wind").await;
    assert_eq!(wind.status(), StatusCode::CREATED);
    let listed = json_body(app.get(Anonymous, "/products").await).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );
}

//! Test helpers: each test gets its own database on the backend it asks for, and a server on
//! port 0.
//!
//! SQLite tests always run, on a fresh file in a temporary folder. Tests that need PostgreSQL
//! or RabbitMQ are marked ignored ([`backend_test!`] does it for its PostgreSQL half), so a run
//! without the servers says so in its summary instead of counting them as passed. They run with
//! `cargo test -- --include-ignored` and `TIENDA_TEST_DATABASE_URL` (any database on the server;
//! each test creates its own, `tienda_test_<uuid>`, and drops it afterwards) and
//! `TIENDA_TEST_AMQP_URL`; a test that runs without its server fails, it never passes empty.

pub mod client;
pub mod events;

pub use client::{
    Anonymous, Bearer, TestClient, TestUser, etag, serve, serve_with_http, unique_email,
};

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use sqlx::Connection;
use tempfile::TempDir;
use tokio::net::TcpListener;

use crate::db::{Backend, DatabaseConfig};

/// The `Retry-After` of an answer, in whole seconds, when it has one.
pub fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

/// The HTTP edge of a test server: the defaults without rate limits, since a test drives one
/// server from one address far faster than any client should (the limits' own tests turn
/// them on).
pub fn http_config() -> crate::http::HttpConfig {
    crate::http::HttpConfig {
        rate_limits: crate::http::RateLimitConfig::OFF,
        ..crate::http::HttpConfig::default()
    }
}

/// The environment variable naming a PostgreSQL server for tests.
pub const DATABASE_URL_VAR: &str = "TIENDA_TEST_DATABASE_URL";
/// The environment variable CI sets to say every server is there: then a run that leaves the
/// ignored (server) tests out fails (`platform/tests/events.rs` checks it).
pub const REQUIRE_SERVICES_VAR: &str = "TIENDA_TEST_REQUIRE_SERVICES";
/// The value of a test server's variable; fails the test when it is not set.
///
/// # Panics
/// When `variable` is not set: the test needs that server and was asked to run.
pub fn server_url(variable: &str) -> String {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!("this test needs a server: set {variable}"),
    }
}

/// A database that lives as long as the test holds it; a PostgreSQL one is dropped with it.
pub struct TestDatabase {
    /// How to connect to it.
    pub config: DatabaseConfig,
    /// The folder holding the SQLite file (removed on drop).
    _dir: Option<TempDir>,
    /// The PostgreSQL server and the database's name, to drop it.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh, empty database on `backend`.
    ///
    /// # Panics
    /// When PostgreSQL is not configured or not reachable: the test must fail.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = match tempfile::tempdir() {
                    Ok(dir) => dir,
                    Err(error) => panic!("cannot make a temporary folder: {error}"),
                };
                let config = DatabaseConfig::sqlite_file(&dir.path().join("test.db"));
                Self {
                    config,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let server = server_url(DATABASE_URL_VAR);
                let name = format!("tienda_test_{}", uuid::Uuid::now_v7().simple());
                match create_postgres_database(&server, &name).await {
                    Ok(url) => Self {
                        config: DatabaseConfig::from_url(url),
                        _dir: None,
                        postgres: Some((server, name)),
                    },
                    Err(error) => panic!("cannot create a PostgreSQL test database: {error:#}"),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    /// Drops a PostgreSQL test database (ending the connections still open to it). Drop cannot
    /// await, so this runs on a thread of its own with a small runtime, and waits for it.
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut connection = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut connection)
                    .await?;
                anyhow::Ok(())
            })
        });
        // A database left behind is only clutter (CI drops `tienda_test_*` before it starts).
        if let Ok(Err(error)) = dropping.join() {
            eprintln!("could not drop a test database: {error:#}");
        }
    }
}

async fn create_postgres_database(server: &str, name: &str) -> anyhow::Result<String> {
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .with_context(|| format!("cannot connect to {DATABASE_URL_VAR}"))?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut connection)
        .await
        .context("CREATE DATABASE failed")?;
    let mut url = url::Url::parse(server).context("bad PostgreSQL URL")?;
    url.set_path(name);
    Ok(url.to_string())
}

/// Serves `router` on a fresh port of 127.0.0.1 until the test's runtime ends.
pub async fn spawn_router(router: Router) -> SocketAddr {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("cannot bind a test port: {error}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => panic!("no local address: {error}"),
    };
    tokio::spawn(crate::http::serve(listener, router, std::future::pending()));
    address
}

/// Declares a test that runs once on SQLite and once on PostgreSQL, as `NAME::sqlite` and
/// `NAME::postgres` (ignored unless asked for, see the module doc). The body is an async
/// function of the [`Backend`].
///
/// ```text
/// backend_test! {
///     async fn a_duplicate_email_is_a_conflict(backend) {
///         let app = spawn_app(backend).await;
///         // ...
///     }
/// }
/// ```
#[macro_export]
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: $crate::db::Backend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::db::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL: set TIENDA_TEST_DATABASE_URL and pass --include-ignored"]
            async fn postgres() {
                run($crate::db::Backend::Postgres).await;
            }
        }
    };
}

/// Issues real access tokens, signed with a fresh Ed25519 key, for testing services other than
/// identity without running it. [`TestIssuer::verifier`] accepts exactly these tokens.
pub struct TestIssuer {
    encoding: jsonwebtoken::EncodingKey,
    jwks: crate::auth::Jwks,
}

/// The `kid` of a [`TestIssuer`]'s key.
const TEST_KID: &str = "test-key";

impl TestIssuer {
    /// A new key.
    ///
    /// # Panics
    /// If the key cannot be encoded (it always can).
    pub fn new() -> Self {
        use base64::Engine;
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        let der = match key.to_pkcs8_der() {
            Ok(der) => der,
            Err(error) => panic!("cannot encode a test key: {error}"),
        };
        let x =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        Self {
            encoding: jsonwebtoken::EncodingKey::from_ed_der(der.as_bytes()),
            jwks: crate::auth::Jwks {
                keys: vec![crate::auth::PublicJwk {
                    kty: "OKP".into(),
                    crv: "Ed25519".into(),
                    x,
                    kid: TEST_KID.into(),
                    alg: "EdDSA".into(),
                    key_use: "sig".into(),
                }],
            },
        }
    }

    /// A verifier for this issuer's tokens (issuer and audience `tienda`).
    pub fn verifier(&self) -> std::sync::Arc<crate::auth::TokenVerifier> {
        std::sync::Arc::new(crate::auth::TokenVerifier::from_jwks(
            &self.jwks, "tienda", "tienda",
        ))
    }

    /// A valid 15-minute token for a user.
    ///
    /// # Panics
    /// If signing fails (it does not).
    pub fn token(
        &self,
        user_id: uuid::Uuid,
        role: contracts::auth::Role,
        email: &str,
        name: &str,
    ) -> String {
        let now = crate::time::now().unix_timestamp();
        let claims = contracts::auth::AccessClaims {
            sub: user_id,
            role,
            sid: uuid::Uuid::now_v7(),
            jti: uuid::Uuid::now_v7(),
            email: email.to_owned(),
            name: name.to_owned(),
            iat: now,
            exp: now + 900,
            iss: "tienda".into(),
            aud: "tienda".into(),
        };
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some(TEST_KID.into());
        match jsonwebtoken::encode(&header, &claims, &self.encoding) {
            Ok(token) => token,
            Err(error) => panic!("cannot sign a test token: {error}"),
        }
    }
}

impl Default for TestIssuer {
    fn default() -> Self {
        Self::new()
    }
}

/// The HTTP client of the tests. Failing to build one fails the test: a test must never turn
/// a broken environment into a skip.
pub fn http_client() -> reqwest::Client {
    match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
    {
        Ok(client) => client,
        Err(error) => panic!("cannot build an HTTP client: {error}"),
    }
}

/// The text of a JSON string value; fails the test on anything else.
pub fn text(value: &serde_json::Value) -> String {
    match value.as_str() {
        Some(text) => text.to_owned(),
        None => panic!("expected a string, got {value}"),
    }
}

/// The body as JSON; fails the test when it is not.
pub async fn json_body(response: reqwest::Response) -> serde_json::Value {
    match response.json::<serde_json::Value>().await {
        Ok(value) => value,
        Err(error) => panic!("the body is not JSON: {error}"),
    }
}

/// Asserts an RFC 9457 problem document with this status, and returns it.
pub async fn assert_problem(
    response: reqwest::Response,
    status: reqwest::StatusCode,
) -> serde_json::Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, crate::error::PROBLEM_JSON);
    let body = json_body(response).await;
    assert_eq!(body["status"], status.as_u16());
    assert!(body["type"].is_string() && body["title"].is_string());
    body
}

/// The `code` of a problem's field error on `field`, if there is one.
pub fn error_code(problem: &serde_json::Value, field: &str) -> Option<String> {
    problem["errors"]
        .as_array()?
        .iter()
        .find_map(|error| (error["field"] == field).then(|| text(&error["code"])))
}

/// The `field` of every field error of a problem.
pub fn error_fields(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|error| text(&error["field"])).collect())
        .unwrap_or_default()
}

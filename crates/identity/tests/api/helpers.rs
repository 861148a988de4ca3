//! `spawn_app` and small request helpers shared by the identity tests.

use std::time::Duration;

use identity::app::hashing::HashingConfig;
use identity::app::keys::KeyFile;
use identity::config::{Config, FirstAdmin, TokenConfig};
use identity::domain::throttle::ThrottlePolicy;
use platform::db::Backend;
use platform::http::HttpConfig;
use platform::testing::events::DropGuard;
pub use platform::testing::{
    Anonymous, TestClient, assert_problem, error_code, error_fields, json_body, text, unique_email,
};
use platform::testing::{TestDatabase, serve_with_http};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// The first administrator of every test app.
pub const ADMIN_EMAIL: &str = "admin@tienda.test";
pub const ADMIN_PASSWORD: &str = "orchid lantern gravel 42";
/// A password every test customer can use.
pub const SERVICE_SECRET: &str = "a shared secret between services";
pub const GOOD_PASSWORD: &str = "violet tractor sundial";

/// A running identity service.
pub struct TestApp {
    pub client: TestClient,
    /// The signing key file, for tests that forge tokens.
    pub key_path: std::path::PathBuf,
    database: TestDatabase,
    _dir: TempDir,
    _tasks: DropGuard,
}

impl std::ops::Deref for TestApp {
    type Target = TestClient;

    fn deref(&self) -> &TestClient {
        &self.client
    }
}

/// What a test may change in the service's config before it starts.
pub type Customize = fn(&mut Config);

/// An identity service on a fresh database of `backend`; `None` when that backend is not
/// configured here (the test is then skipped, or failed when services are required).
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with changes to the config.
pub async fn spawn_app_with(backend: Backend, customize: Customize) -> TestApp {
    spawn_app_with_http(backend, customize, platform::testing::http_config()).await
}

/// As [`spawn_app_with`], with a given HTTP edge config.
pub async fn spawn_app_with_http(
    backend: Backend,
    customize: Customize,
    http: HttpConfig,
) -> TestApp {
    let database = TestDatabase::new(backend).await;
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"));
    let key_path = dir.path().join("signing-key.pem");
    let mut config = Config {
        database: database.config.clone(),
        key_file: KeyFile {
            path: key_path.clone(),
            create_if_missing: true,
        },
        tokens: TokenConfig::default(),
        throttle: ThrottlePolicy::default(),
        hashing: HashingConfig::default(),
        first_admin: FirstAdmin::Configured {
            email: ADMIN_EMAIL.to_owned(),
            password: ADMIN_PASSWORD.to_owned().into(),
        },
        service_secret: Some(SERVICE_SECRET.to_owned().into()),
    };
    customize(&mut config);
    let identity = match identity::build(config, &platform::testing::events::memory_bus()).await {
        Ok(identity) => identity,
        Err(error) => panic!("identity did not start: {error:#}"),
    };
    let (client, tasks) = serve_with_http(vec![identity.service], &http, identity::PREFIX).await;
    TestApp {
        client,
        key_path,
        database,
        _dir: dir,
        _tasks: tasks,
    }
}

impl TestApp {
    /// The events identity wrote to its outbox, oldest first, as (type, data).
    pub async fn published(&self) -> Vec<(String, Value)> {
        self.published_envelopes()
            .await
            .into_iter()
            .map(|envelope| (envelope.kind, envelope.data))
            .collect()
    }

    /// The events identity wrote to its outbox, oldest first, whole.
    pub async fn published_envelopes(&self) -> Vec<platform::events::Envelope> {
        platform::testing::events::published_events(&self.database.config).await
    }

    pub async fn register(&self, email: &str, password: &str, name: &str) -> Response {
        self.post(
            Anonymous,
            "/register",
            &json!({ "email": email, "password": password, "name": name }),
        )
        .await
    }

    /// Registers a fresh customer and returns its email.
    pub async fn new_customer(&self) -> String {
        let email = unique_email();
        let response = self.register(&email, GOOD_PASSWORD, "Test Customer").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        email
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            Anonymous,
            "/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Logs in and returns the token pair; fails the test otherwise.
    pub async fn tokens(&self, email: &str, password: &str) -> Tokens {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email} failed");
        let body = json_body(response).await;
        Tokens {
            access: text(&body["access_token"]),
            refresh: text(&body["refresh_token"]),
        }
    }

    /// A fresh customer's tokens.
    pub async fn customer_tokens(&self) -> Tokens {
        let email = self.new_customer().await;
        self.tokens(&email, GOOD_PASSWORD).await
    }

    /// The administrator's tokens.
    pub async fn admin_tokens(&self) -> Tokens {
        self.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// The user behind an access token.
    pub async fn me(&self, access: &str) -> Response {
        self.get(access, "/me").await
    }
}

/// A token pair.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// The decoded payload of a JWT, without verifying it.
pub fn jwt_payload(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// Lower thresholds, so lockouts happen within a test.
pub fn tight_throttle(config: &mut Config) {
    config.throttle = ThrottlePolicy {
        max_failures_per_account: 3,
        max_failures_per_address: 1000,
        window: Duration::from_secs(600),
        lockout: Duration::from_secs(120),
    };
}

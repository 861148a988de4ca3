//! `spawn_app` and request helpers for the customers tests.

use contracts::auth::Role;
use platform::App;
use platform::db::Backend;
use platform::events::Bus;
use platform::http::{HttpConfig, HttpMetrics};
use platform::testing::events::{DropGuard, memory_bus, spawn_app_with_tasks};
use platform::testing::{TestDatabase, TestIssuer};
pub use platform::testing::{assert_problem, error_code, json_body, text};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// A running customers service and a token issuer it trusts.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub issuer: TestIssuer,
    pub state: customers::State,
    /// The bus it consumes from and publishes to.
    pub bus: Bus,
    pub database: TestDatabase,
    _tasks: DropGuard,
}

/// A caller: a token for a user.
#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub token: String,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, customize: fn(&mut customers::Config)) -> TestApp {
    let database = TestDatabase::new(backend).await;
    let issuer = TestIssuer::new();
    let mut config = customers::Config::new(database.config.clone());
    customize(&mut config);
    let bus = memory_bus();
    let built = match customers::build(config, issuer.verifier(), &bus).await {
        Ok(built) => built,
        Err(error) => panic!("customers did not start: {error:#}"),
    };
    let app = App::compose(
        vec![built.service],
        &HttpConfig::default(),
        HttpMetrics::new(),
    );
    let (address, tasks) = spawn_app_with_tasks(app).await;
    TestApp {
        address: format!("http://{address}"),
        client: platform::testing::http_client(),
        issuer,
        state: built.state,
        bus,
        database,
        _tasks: tasks,
    }
}

pub fn unique_email() -> String {
    format!("c-{}@example.com", Uuid::now_v7().simple())
}

impl TestApp {
    /// The events customers wrote to its outbox, oldest first, as (type, data).
    pub async fn published(&self) -> Vec<(String, Value)> {
        platform::testing::events::published_events(&self.database.config)
            .await
            .into_iter()
            .map(|envelope| (envelope.kind, envelope.data))
            .collect()
    }

    /// The URL of a customers path: `/` is the collection itself, `/?q=x` its query.
    pub fn url(&self, path: &str) -> String {
        let path = if path == "/" || path.starts_with("/?") {
            &path[1..]
        } else {
            path
        };
        format!("{}/api/customers{path}", self.address)
    }

    /// A new user with a role.
    pub fn user(&self, role: Role) -> User {
        self.user_named(role, &unique_email(), "Ana María López")
    }

    pub fn user_named(&self, role: Role, email: &str, name: &str) -> User {
        let id = Uuid::now_v7();
        User {
            id,
            email: email.to_owned(),
            token: self.issuer.token(id, role, email, name),
        }
    }

    pub async fn send(&self, request: RequestBuilder) -> Response {
        match request.send().await {
            Ok(response) => response,
            Err(error) => panic!("request failed: {error}"),
        }
    }

    pub async fn get(&self, user: &User, path: &str) -> Response {
        self.send(self.client.get(self.url(path)).bearer_auth(&user.token))
            .await
    }

    pub async fn post(&self, user: &User, path: &str, body: &Value) -> Response {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(&user.token)
                .json(body),
        )
        .await
    }

    pub async fn patch(&self, user: &User, path: &str, body: &Value) -> Response {
        self.send(
            self.client
                .patch(self.url(path))
                .bearer_auth(&user.token)
                .json(body),
        )
        .await
    }

    /// Creates a record as staff and returns it.
    pub async fn create(&self, staff: &User, body: Value) -> Value {
        let response = self.post(staff, "/", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "create failed");
        json_body(response).await
    }

    /// Creates a plain record with a fresh email.
    pub async fn create_plain(&self, staff: &User) -> Value {
        self.create(
            staff,
            json!({"given_name": "Carmen", "family_name": "Ruiz", "email": unique_email()}),
        )
        .await
    }
}

pub fn etag(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

//! `spawn_app` and request helpers for the support tests.

use std::sync::Arc;

use contracts::auth::Role;
use platform::App;
use platform::db::Backend;
use platform::events::Bus;
use platform::http::{HttpConfig, HttpMetrics};
use platform::testing::events::{DropGuard, memory_bus, spawn_app_with_tasks};
use platform::testing::{TestDatabase, TestIssuer};
pub use platform::testing::{assert_problem, error_code, json_body, text};
use platform::time::ManualClock;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub issuer: TestIssuer,
    pub clock: Arc<ManualClock>,
    pub state: support::State,
    /// The bus it consumes from and publishes to.
    pub bus: Bus,
    pub database: TestDatabase,
    _tasks: DropGuard,
}

#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub token: String,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Monday 23 November 2026, 10:00 UTC.
pub fn start() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-23 10:00 UTC)
}

pub async fn spawn_app_with(backend: Backend, customize: fn(&mut support::Config)) -> TestApp {
    let database = TestDatabase::new(backend).await;
    let issuer = TestIssuer::new();
    let clock = Arc::new(ManualClock::new(start()));
    let mut config = support::Config::new(database.config.clone());
    customize(&mut config);
    let bus = memory_bus();
    let built = match support::build(config, issuer.verifier(), clock.clone(), &bus).await {
        Ok(built) => built,
        Err(error) => panic!("support did not start: {error:#}"),
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
        clock,
        state: built.state,
        bus,
        database,
        _tasks: tasks,
    }
}

impl TestApp {
    /// The events support wrote to its outbox, oldest first, as (type, data).
    pub async fn published(&self) -> Vec<(String, Value)> {
        platform::testing::events::published_events(&self.database.config)
            .await
            .into_iter()
            .map(|envelope| (envelope.kind, envelope.data))
            .collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/support{path}", self.address)
    }

    pub fn user(&self, role: Role) -> User {
        let id = Uuid::now_v7();
        let email = format!("{}@example.com", id.simple());
        User {
            id,
            token: self.issuer.token(
                id,
                role,
                &email,
                &format!("{role} {}", &id.simple().to_string()[24..]),
            ),
        }
    }

    /// An agent support knows (it has called support once).
    pub async fn agent(&self) -> User {
        let agent = self.user(Role::Agent);
        assert_eq!(self.get(&agent, "/agents").await.status(), StatusCode::OK);
        agent
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("request failed: {error}"))
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

    /// Opens an incident as `user` and returns it.
    pub async fn open(&self, user: &User) -> Value {
        let response = self.post(user, "/incidents", &json!({"subject": "It broke", "description": "It broke on Sunday.", "category": "order"})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        json_body(response).await
    }

    pub async fn status(&self, user: &User, id: &str, to: &str) -> Response {
        self.post(user, &format!("/incidents/{id}/status"), &json!({"to": to}))
            .await
    }

    pub async fn reply(&self, user: &User, id: &str, body: &str, internal: bool) -> Response {
        self.post(
            user,
            &format!("/incidents/{id}/comments"),
            &json!({"body": body, "internal": internal}),
        )
        .await
    }

    pub async fn incident(&self, user: &User, id: &str) -> Value {
        let response = self.get(user, &format!("/incidents/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        json_body(response).await
    }
}

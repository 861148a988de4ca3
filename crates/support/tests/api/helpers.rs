//! `spawn_app` and request helpers for the support tests.

use std::sync::Arc;

use contracts::auth::Role;
use platform::db::Backend;
use platform::events::Bus;
use platform::testing::events::{DropGuard, memory_bus};
pub use platform::testing::{
    TestClient, TestUser, assert_problem, error_code, json_body, text, unique_email,
};
use platform::testing::{TestDatabase, TestIssuer, serve};
use platform::time::ManualClock;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub client: TestClient,
    pub issuer: TestIssuer,
    pub clock: Arc<ManualClock>,
    pub state: support::State,
    /// The bus it consumes from and publishes to.
    pub bus: Bus,
    pub database: TestDatabase,
    _tasks: DropGuard,
}

impl std::ops::Deref for TestApp {
    type Target = TestClient;

    fn deref(&self) -> &TestClient {
        &self.client
    }
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
    let (client, tasks) = serve(vec![built.service], support::PREFIX).await;
    TestApp {
        client,
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

    pub fn user(&self, role: Role) -> TestUser {
        let name = format!("{role} {}", &Uuid::now_v7().simple().to_string()[24..]);
        self.issuer.user_named(role, &unique_email(), &name)
    }

    /// An agent support knows (it has called support once).
    pub async fn agent(&self) -> TestUser {
        let agent = self.user(Role::Agent);
        assert_eq!(self.get(&agent, "/agents").await.status(), StatusCode::OK);
        agent
    }

    /// Opens an incident as `user` and returns it.
    pub async fn open(&self, user: &TestUser) -> Value {
        let response = self.post(user, "/incidents", &json!({"subject": "It broke", "description": "It broke on Sunday.", "category": "order"})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        json_body(response).await
    }

    pub async fn status(&self, user: &TestUser, id: &str, to: &str) -> Response {
        self.post(user, &format!("/incidents/{id}/status"), &json!({"to": to}))
            .await
    }

    pub async fn reply(&self, user: &TestUser, id: &str, body: &str, internal: bool) -> Response {
        self.post(
            user,
            &format!("/incidents/{id}/comments"),
            &json!({"body": body, "internal": internal}),
        )
        .await
    }

    pub async fn incident(&self, user: &TestUser, id: &str) -> Value {
        let response = self.get(user, &format!("/incidents/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        json_body(response).await
    }
}

//! `spawn_app` and request helpers for the customers tests.

use contracts::auth::Role;
use platform::db::Backend;
use platform::events::Bus;
use platform::testing::events::{DropGuard, memory_bus};
pub use platform::testing::{
    TestClient, TestUser, assert_problem, error_code, etag, json_body, text, unique_email,
};
use platform::testing::{TestDatabase, TestIssuer, serve};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A running customers service, a client for it and a token issuer it trusts.
pub struct TestApp {
    pub client: TestClient,
    pub issuer: TestIssuer,
    pub state: customers::State,
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
    let (client, tasks) = serve(vec![built.service], customers::PREFIX).await;
    TestApp {
        client,
        issuer,
        state: built.state,
        bus,
        database,
        _tasks: tasks,
    }
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

    /// A new user with a role.
    pub fn user(&self, role: Role) -> TestUser {
        self.issuer.user(role)
    }

    pub fn user_named(&self, role: Role, email: &str, name: &str) -> TestUser {
        self.issuer.user_named(role, email, name)
    }

    /// Creates a record as staff and returns it.
    pub async fn create(&self, staff: &TestUser, body: Value) -> Value {
        let response = self.post(staff, "/", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "create failed");
        json_body(response).await
    }

    /// Creates a plain record with a fresh email.
    pub async fn create_plain(&self, staff: &TestUser) -> Value {
        self.create(
            staff,
            json!({"given_name": "Carmen", "family_name": "Ruiz", "email": unique_email()}),
        )
        .await
    }
}

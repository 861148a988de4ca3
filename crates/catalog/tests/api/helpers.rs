//! `spawn_app` and request helpers for the catalog tests.

use contracts::auth::Role;
use platform::db::Backend;
use platform::testing::events::{DropGuard, memory_bus};
pub use platform::testing::{
    Anonymous, TestClient, TestUser, assert_problem, error_code, error_fields, etag, json_body,
    text,
};
use platform::testing::{TestDatabase, TestIssuer, serve};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A running catalog, a client for it and a token issuer it trusts.
pub struct TestApp {
    pub client: TestClient,
    pub issuer: TestIssuer,
    pub database: TestDatabase,
    pub state: catalog::State,
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

pub async fn spawn_app_with(backend: Backend, customize: fn(&mut catalog::Config)) -> TestApp {
    let database = TestDatabase::new(backend).await;
    let issuer = TestIssuer::new();
    let mut config = catalog::Config::new(database.config.clone());
    customize(&mut config);
    let built = match catalog::build(config, issuer.verifier(), &memory_bus()).await {
        Ok(built) => built,
        Err(error) => panic!("catalog did not start: {error:#}"),
    };
    let (client, tasks) = serve(vec![built.service], catalog::PREFIX).await;
    TestApp {
        client,
        issuer,
        database,
        state: built.state,
        _tasks: tasks,
    }
}

impl TestApp {
    pub fn user(&self, role: Role) -> TestUser {
        self.issuer.user(role)
    }

    /// Makes a category as an administrator and returns its id.
    pub async fn category(&self, name: &str, parent: Option<&str>) -> String {
        let admin = self.user(Role::Admin);
        let response = self
            .post(
                &admin,
                "/categories",
                &json!({"name": name, "parent_id": parent}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "category {name}");
        text(&json_body(response).await["id"])
    }

    /// Lists a product as `user` and returns it.
    pub async fn product(&self, user: &TestUser, body: Value) -> Value {
        let response = self.post(user, "/products", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "product {body}");
        json_body(response).await
    }

    /// The events the catalog wrote to its outbox, as (type, data).
    pub async fn published(&self) -> Vec<(String, Value)> {
        platform::testing::events::published_events(&self.database.config)
            .await
            .into_iter()
            .map(|envelope| (envelope.kind, envelope.data))
            .collect()
    }
}

/// A book in `category`.
pub fn book(category: &str, name: &str, price: i64) -> Value {
    json!({
        "kind": "book", "name": name, "description": "A novel about the sea.",
        "category_id": category, "price": {"amount": price, "currency": "EUR"}, "stock": 5,
        "tags": ["fiction"],
        "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
    })
}

/// A pet in `category`.
pub fn pet(category: &str, name: &str) -> Value {
    json!({
        "kind": "pet", "name": name, "description": "A calm, friendly cat.",
        "category_id": category, "price": {"amount": 15000, "currency": "EUR"},
        "attributes": {"species": "cat", "breed": "Siamese", "age_months": 14, "sex": "female"}
    })
}

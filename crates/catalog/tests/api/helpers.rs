//! `spawn_app` and request helpers for the catalog tests.

use contracts::auth::Role;
use platform::App;
use platform::db::Backend;
use platform::http::{HttpConfig, HttpMetrics};
use platform::testing::events::{DropGuard, memory_bus, spawn_app_with_tasks};
use platform::testing::{TestDatabase, TestIssuer};
pub use platform::testing::{assert_problem, error_code, error_fields, json_body, text};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// A running catalog and a token issuer it trusts.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub issuer: TestIssuer,
    pub database: TestDatabase,
    pub state: catalog::State,
    _tasks: DropGuard,
}

/// A caller with a token.
#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub token: String,
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
    let state = built.state.clone();
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
        database,
        state,
        _tasks: tasks,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/catalog{path}", self.address)
    }

    pub fn user(&self, role: Role) -> User {
        let id = Uuid::now_v7();
        User {
            id,
            token: self.issuer.token(
                id,
                role,
                &format!("{}@example.com", id.simple()),
                "Test User",
            ),
        }
    }

    pub async fn send(&self, request: RequestBuilder) -> Response {
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("request failed: {error}"))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.client.get(self.url(path))).await
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

    pub async fn delete(&self, user: &User, path: &str) -> Response {
        self.send(self.client.delete(self.url(path)).bearer_auth(&user.token))
            .await
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
    pub async fn product(&self, user: &User, body: Value) -> Value {
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

pub fn etag(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

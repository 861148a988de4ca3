//! One test application and one request API for every service's tests.
//!
//! [`serve`] runs services (as built for production) on port 0 with their background tasks;
//! [`TestClient`] calls them. Every request helper takes who calls first (a [`TestUser`], a
//! token, or [`Anonymous`]), then the path under the service's prefix, then the body, so a test
//! reads the same in every crate:
//!
//! ```text
//! let app = spawn_app(backend).await;          // the crate's own: builds its service
//! let agent = app.issuer.user(Role::Agent);
//! let created = app.post(&agent, "/incidents", &json!({...})).await;
//! let listed = app.get(&agent, "/incidents").await;
//! ```

use std::fmt::Display;

use contracts::auth::Role;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use uuid::Uuid;

use super::TestIssuer;
use super::events::{DropGuard, spawn_app_with_tasks};
use crate::http::{HttpConfig, HttpMetrics};
use crate::{App, Service};

/// Who makes a request: its bearer token, if any.
pub trait Bearer {
    /// The token sent as `Authorization: Bearer`; `None` sends none.
    fn bearer(&self) -> Option<&str>;
}

/// Nobody: a request without a token.
#[derive(Debug, Clone, Copy)]
pub struct Anonymous;

impl Bearer for Anonymous {
    fn bearer(&self) -> Option<&str> {
        None
    }
}

impl Bearer for &str {
    fn bearer(&self) -> Option<&str> {
        Some(self)
    }
}

impl Bearer for &String {
    fn bearer(&self) -> Option<&str> {
        Some(self.as_str())
    }
}

/// A user the test made up, with a token a [`TestIssuer`] signed.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Its id (the token's `sub`).
    pub id: Uuid,
    /// Its email (in the token).
    pub email: String,
    /// Its access token.
    pub token: String,
}

impl Bearer for &TestUser {
    fn bearer(&self) -> Option<&str> {
        Some(&self.token)
    }
}

/// An email no other test uses.
pub fn unique_email() -> String {
    format!("u-{}@example.com", Uuid::now_v7().simple())
}

impl TestIssuer {
    /// A new user with `role` and a fresh email.
    pub fn user(&self, role: Role) -> TestUser {
        self.user_named(role, &unique_email(), "Ana María López")
    }

    /// A new user with `role`, `email` and `name`.
    pub fn user_named(&self, role: Role, email: &str, name: &str) -> TestUser {
        let id = Uuid::now_v7();
        TestUser {
            id,
            email: email.to_owned(),
            token: self.token(id, role, email, name),
        }
    }
}

/// Requests to one service under test.
#[derive(Debug, Clone)]
pub struct TestClient {
    /// `http://HOST:PORT`.
    origin: String,
    /// The origin and the service's prefix (`/api/catalog`), or no prefix.
    base: String,
    /// The HTTP client, for requests the helpers do not cover (headers of their own).
    pub http: reqwest::Client,
}

impl TestClient {
    /// Calls the server at `address`, with paths under `prefix` (`""` for full paths).
    pub fn new(address: impl Display, prefix: &str) -> Self {
        let origin = format!("http://{address}");
        Self {
            base: format!("{origin}{prefix}"),
            origin,
            http: super::http_client(),
        }
    }

    /// `http://HOST:PORT`: the server's root, for paths outside the prefix.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The URL of `path` under the prefix. `/` is the prefix itself (a collection at the
    /// service's root, as `/api/customers`), and `/?q=x` its query.
    pub fn url(&self, path: &str) -> String {
        let path = if path == "/" || path.starts_with("/?") {
            &path[1..]
        } else {
            path
        };
        format!("{}{path}", self.base)
    }

    /// A request by `who` to `path`, to add to before sending.
    pub fn request(&self, method: Method, who: impl Bearer, path: &str) -> RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match who.bearer() {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends `request`; a request that gets no answer fails the test.
    pub async fn send(&self, request: RequestBuilder) -> Response {
        match request.send().await {
            Ok(response) => response,
            Err(error) => panic!("request failed: {error}"),
        }
    }

    /// `GET path` by `who`.
    pub async fn get(&self, who: impl Bearer, path: &str) -> Response {
        self.send(self.request(Method::GET, who, path)).await
    }

    /// `POST path` by `who` with a JSON body.
    pub async fn post(&self, who: impl Bearer, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::POST, who, path).json(body))
            .await
    }

    /// `PATCH path` by `who` with a JSON body.
    pub async fn patch(&self, who: impl Bearer, path: &str, body: &Value) -> Response {
        self.send(self.request(Method::PATCH, who, path).json(body))
            .await
    }

    /// `DELETE path` by `who`.
    pub async fn delete(&self, who: impl Bearer, path: &str) -> Response {
        self.send(self.request(Method::DELETE, who, path)).await
    }
}

/// Serves `services` as one app on a fresh port with their background tasks (stopped when the
/// guard drops), and a client for paths under `prefix`.
pub async fn serve(services: Vec<Service>, prefix: &str) -> (TestClient, DropGuard) {
    serve_with_http(services, &super::http_config(), prefix).await
}

/// As [`serve`], with the HTTP edge configured by `http` (body limits, timeouts).
pub async fn serve_with_http(
    services: Vec<Service>,
    http: &HttpConfig,
    prefix: &str,
) -> (TestClient, DropGuard) {
    let app = App::compose(services, http, HttpMetrics::new());
    let (address, tasks) = spawn_app_with_tasks(app).await;
    (TestClient::new(address, prefix), tasks)
}

/// The `ETag` of a response (empty when it has none).
pub fn etag(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

//! A whole shop for the website's tests: identity, customers, catalog (with the demo
//! catalog), orders (with the demo delivery options), support and the website, composed in one
//! process as the embedded mode composes them, each on a fresh database of the backend under
//! test; and [`Visitor`], a browser without JavaScript (cookies, forms, no redirects followed
//! unless asked).

#![allow(
    dead_code,
    reason = "each test binary uses its own part of the helpers"
)]

use std::sync::Arc;

use platform::App;
use platform::client::{ServiceClient, ServiceTokens};
use platform::config::SecretString;
use platform::db::Backend;
use platform::http::HttpMetrics;
use platform::testing::TestDatabase;
use platform::testing::events::{DropGuard, memory_bus, spawn_app_with_tasks};
use platform::time::SystemClock;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@shop.test";
pub const ADMIN_PASSWORD: &str = "harbor lantern meadow 7";
pub const PASSWORD: &str = "copper violin orchard";
const SECRET: &str = "the services' shared secret";

/// A running shop with its website.
pub struct Shop {
    /// `http://127.0.0.1:port`.
    pub base: String,
    _databases: Vec<TestDatabase>,
    _tasks: DropGuard,
    _keys: tempfile::TempDir,
}

/// Which services the website reaches.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Catalog {
    /// All of them.
    Up,
    /// All but the catalog (its client points at a closed port).
    Down,
}

pub async fn spawn_shop(backend: Backend) -> Shop {
    spawn_shop_with(backend, Catalog::Up).await
}

pub async fn spawn_shop_with(backend: Backend, catalog_state: Catalog) -> Shop {
    let databases: Vec<TestDatabase> = futures_join(backend).await;
    let config = |index: usize| databases[index].config.clone();
    let keys = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bus = memory_bus();
    let identity = identity::build(
        identity::Config {
            database: config(0),
            key_file: identity::app::keys::KeyFile {
                path: keys.path().join("key.pem"),
                create_if_missing: true,
            },
            tokens: identity::TokenConfig::default(),
            throttle: identity::domain::throttle::ThrottlePolicy::default(),
            hashing: identity::app::hashing::HashingConfig::default(),
            first_admin: identity::FirstAdmin::Configured {
                email: ADMIN_EMAIL.to_owned(),
                password: SecretString::from(ADMIN_PASSWORD),
            },
            service_secret: Some(SecretString::from(SECRET)),
        },
        &bus,
    )
    .await
    .unwrap_or_else(|e| panic!("identity did not start: {e:#}"));
    let verifier = identity.verifier.clone();
    let customers = customers::build(customers::Config::new(config(1)), verifier.clone(), &bus)
        .await
        .unwrap_or_else(|e| panic!("customers did not start: {e:#}"));
    let catalog = catalog::build(
        catalog::Config {
            demo_data: true,
            ..catalog::Config::new(config(2))
        },
        verifier.clone(),
        &bus,
    )
    .await
    .unwrap_or_else(|e| panic!("catalog did not start: {e:#}"));
    let support = support::build(
        support::Config::new(config(3)),
        verifier.clone(),
        Arc::new(SystemClock),
        &bus,
    )
    .await
    .unwrap_or_else(|e| panic!("support did not start: {e:#}"));
    let identity_client = ServiceClient::in_process("identity", identity.service.router.clone());
    let catalog_client = match catalog_state {
        Catalog::Up => ServiceClient::in_process("catalog", catalog.service.router.clone()),
        Catalog::Down => ServiceClient::http("catalog", "http://127.0.0.1:9"),
    };
    let orders = orders::build(
        orders::Config {
            demo_data: true,
            ..orders::Config::new(config(4))
        },
        verifier,
        orders::CatalogClient::new(
            ServiceClient::in_process("catalog", catalog.service.router.clone()),
            Arc::new(ServiceTokens::new(
                identity_client.clone(),
                "orders",
                SecretString::from(SECRET),
            )),
        ),
        orders::Payments::Simulated,
        &bus,
    )
    .await
    .unwrap_or_else(|e| panic!("orders did not start: {e:#}"));
    let clients = web::Clients::new(
        identity_client,
        catalog_client,
        ServiceClient::in_process("orders", orders.service.router.clone()),
        ServiceClient::in_process("customers", customers.service.router.clone()),
        ServiceClient::in_process("support", support.service.router.clone()),
    );
    let site = web::build(
        web::Config {
            demo: true,
            ..web::Config::new(config(5))
        },
        clients,
    )
    .await
    .unwrap_or_else(|e| panic!("the website did not start: {e:#}"));
    let app = App::compose_with_site(
        vec![
            identity.service,
            customers.service,
            catalog.service,
            orders.service,
            support.service,
        ],
        Some(site.service),
        &platform::testing::http_config(),
        HttpMetrics::new(),
    );
    let (address, tasks) = spawn_app_with_tasks(app).await;
    Shop {
        base: format!("http://{address}"),
        _databases: databases,
        _tasks: tasks,
        _keys: keys,
    }
}

async fn futures_join(backend: Backend) -> Vec<TestDatabase> {
    let mut databases = Vec::new();
    for _ in 0..6 {
        databases.push(TestDatabase::new(backend).await);
    }
    databases
}

impl Shop {
    /// A new visitor, with no cookie yet.
    pub fn visitor(&self) -> Visitor {
        Visitor::new(&self.base)
    }

    /// An access token for the API (the administrator's, or a customer's).
    pub async fn api_login(&self, email: &str, password: &str) -> String {
        let response = reqwest::Client::new()
            .post(format!("{}/api/identity/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK, "API login of {email}");
        let body: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        body["access_token"].as_str().unwrap_or_default().to_owned()
    }

    /// Calls the API as `token`.
    pub async fn api(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A new person with `role` (the administrator sets it), signed in to the website; their
    /// browser, email and user id.
    pub async fn person(&self, name: &str, role: &str) -> (Visitor, String, String) {
        let email = self.visitor().register(name).await;
        let token = self.api_login(&email, PASSWORD).await;
        let (_, me) = self
            .api(reqwest::Method::GET, &token, "/api/identity/me", None)
            .await;
        let id = me["id"].as_str().unwrap_or_default().to_owned();
        if role != "customer" {
            let admin = self.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
            let path = format!("/api/identity/users/{id}");
            let (status, body) = self
                .api(
                    reqwest::Method::PATCH,
                    &admin,
                    &path,
                    Some(json!({"role": role})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "role {role}: {body}");
        }
        let visitor = self.visitor();
        visitor.sign_in(&email, PASSWORD).await;
        (visitor, email, id)
    }

    /// The administrator, signed in to the website.
    pub async fn administrator(&self) -> Visitor {
        let visitor = self.visitor();
        visitor.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        visitor
    }

    /// The id of the first product the catalog finds for `words`.
    pub async fn product_id(&self, words: &str) -> String {
        let response = reqwest::get(format!("{}/api/catalog/products?q={words}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let body: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        body["items"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no product for {words}: {body}"))
            .to_owned()
    }
}

/// A page as a browser without JavaScript got it.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    /// Where a redirect goes.
    pub fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether the page says `text` (HTML-escaped as the templates escape it).
    pub fn says(&self, text: &str) -> bool {
        self.html.contains(&escape(text))
    }

    /// Panics unless the page says `text`.
    pub fn assert_says(&self, text: &str) {
        assert!(
            self.says(text),
            "the page does not say {text:?}:\n{}",
            self.html
        );
    }

    /// The value of the first `name="<name>" value="..."` input.
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker)? + marker.len();
        let end = self.html[start..].find('"')? + start;
        Some(unescape(&self.html[start..end]))
    }

    /// The form's CSRF token.
    pub fn csrf(&self) -> String {
        self.field("csrf")
            .unwrap_or_else(|| panic!("no CSRF token on the page:\n{}", self.html))
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// A browser without JavaScript: keeps cookies, sends forms, shows redirects.
pub struct Visitor {
    base: String,
    client: reqwest::Client,
    language: Option<&'static str>,
}

impl Visitor {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
            language: None,
        }
    }

    /// Sends `Accept-Language: <language>` from now on.
    pub fn speaking(mut self, language: &'static str) -> Self {
        self.language = Some(language);
        self
    }

    async fn read(response: reqwest::Response) -> Page {
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            html: response.text().await.unwrap_or_default(),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// GET `path`, redirects not followed.
    pub async fn get(&self, path: &str) -> Page {
        let mut request = self.client.get(self.url(path));
        if let Some(language) = self.language {
            request = request.header("accept-language", language);
        }
        Self::read(request.send().await.unwrap_or_else(|e| panic!("{e}"))).await
    }

    /// GET `path`, following redirects.
    pub async fn open(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        for _ in 0..5 {
            if !page.status.is_redirection() {
                break;
            }
            page = self.get(&page.location()).await;
        }
        page
    }

    /// POSTs `fields` to `path` as a form, with extra `headers`.
    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.client.post(self.url(path)).form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(language) = self.language {
            request = request.header("accept-language", language);
        }
        Self::read(request.send().await.unwrap_or_else(|e| panic!("{e}"))).await
    }

    /// POSTs a form from a page of the site (its CSRF token added), redirects not followed.
    pub async fn post(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        self.post_with(path, &all, &[("sec-fetch-site", "same-origin")])
            .await
    }

    /// The CSRF token of this visitor's session (read from the home page).
    pub async fn csrf(&self) -> String {
        self.get("/").await.csrf()
    }

    /// Registers a customer named `name` and signs in; its email.
    pub async fn register(&self, name: &str) -> String {
        let email = platform::testing::unique_email();
        let csrf = self.csrf().await;
        let page = self
            .post(
                "/register",
                &csrf,
                &[
                    ("name", name),
                    ("email", &email),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "registration: {}",
            page.html
        );
        email
    }

    /// Signs in through the login form.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let csrf = self.csrf().await;
        let page = self
            .post(
                "/login",
                &csrf,
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "sign in: {}", page.html);
    }

    /// Adds `quantity` of `product` to the cart.
    pub async fn add_to_cart(&self, product: &str, quantity: &str) {
        let csrf = self.csrf().await;
        let page = self
            .post(
                "/cart/items",
                &csrf,
                &[("product_id", product), ("quantity", quantity)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "add to cart: {}",
            page.html
        );
        assert_eq!(page.location(), "/cart");
    }

    /// Checks out with `card`, from the checkout page as drawn; the answer.
    pub async fn checkout(&self, card: &str) -> Page {
        let form = self.get("/checkout").await;
        assert_eq!(form.status, StatusCode::OK, "checkout page: {}", form.html);
        self.submit_checkout(&form, card).await
    }

    /// Sends the checkout form `form` with `card`.
    pub async fn submit_checkout(&self, form: &Page, card: &str) -> Page {
        let key = form.field("key").unwrap_or_default();
        let delivery = checked_delivery(&form.html);
        self.post(
            "/checkout",
            &form.csrf(),
            &[
                ("key", &key),
                ("name", "Ana Pérez"),
                ("line1", "Calle Mayor 1"),
                ("city", "Madrid"),
                ("postal_code", "28013"),
                ("country", "ES"),
                ("delivery", &delivery),
                ("card_number", card),
                ("exp_month", "12"),
                ("exp_year", "2031"),
                ("cvc", "123"),
                ("holder", "Ana Pérez"),
            ],
        )
        .await
    }
}

/// The delivery option checked on a page.
pub fn checked_delivery(html: &str) -> String {
    html.split("name=\"delivery\" value=\"")
        .skip(1)
        .find(|rest| {
            rest.split('>')
                .next()
                .is_some_and(|tag| tag.contains("checked"))
        })
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// The last path segment of a redirect (an order or incident id).
pub fn last_segment(location: &str) -> String {
    location
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .split('#')
        .next()
        .unwrap_or_default()
        .to_owned()
}

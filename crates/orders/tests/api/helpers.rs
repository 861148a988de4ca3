//! A shop for the orders tests: identity, catalog and orders composed in one process as the
//! embedded mode composes them (the orders service calls the catalog and identity through their
//! routers, in process), each on its own fresh database of the backend under test.

use std::sync::Arc;

use platform::App;
use platform::client::{ServiceClient, ServiceTokens};
use platform::config::SecretString;
use platform::db::Backend;
use platform::http::HttpMetrics;
use platform::testing::events::{DropGuard, TcpProxy, memory_bus, spawn_app_with_tasks};
pub use platform::testing::{
    Anonymous, Bearer, TestClient, assert_problem, error_code, json_body, text,
};
use platform::testing::{TestDatabase, serve};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@shop.test";
pub const ADMIN_PASSWORD: &str = "harbor lantern meadow 7";
pub const PASSWORD: &str = "copper violin orchard";
pub const SECRET: &str = "the services' shared secret";

/// A visa test card that approves.
pub const GOOD_CARD: &str = "4242 4242 4242 4242";

/// A running shop.
pub struct Shop {
    /// Identity and the catalog (and orders, when wired in process); full paths.
    pub others: TestClient,
    /// The orders service; full paths.
    pub orders_client: TestClient,
    /// Between orders and the other two, when they talk over HTTP.
    pub proxy: Option<TcpProxy>,
    pub orders: orders::State,
    pub orders_database: TestDatabase,
    pub admin: String,
    pub category: String,
    _databases: Vec<TestDatabase>,
    _tasks: (DropGuard, Option<DropGuard>),
}

/// A signed-in customer.
#[derive(Clone)]
pub struct Customer {
    pub id: String,
    pub token: String,
}

pub async fn spawn_shop(backend: Backend) -> Shop {
    spawn_shop_with(backend, |_| {}, None).await
}

/// How the orders service reaches the catalog and identity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wiring {
    /// Through their routers, in process (the embedded mode).
    InProcess,
    /// Over HTTP through a proxy the test can cut (the distributed mode).
    Http,
}

/// As [`spawn_shop`], with changes to the orders config and, optionally, another payment
/// provider (built on the orders database).
pub async fn spawn_shop_with(
    backend: Backend,
    customize: fn(&mut orders::Config),
    provider: Option<
        fn(platform::db::Database) -> Arc<dyn orders::clients::payments::PaymentProvider>,
    >,
) -> Shop {
    spawn_wired_shop(backend, customize, provider, Wiring::InProcess).await
}

/// As [`spawn_shop_with`], wired as `wiring` says.
pub async fn spawn_wired_shop(
    backend: Backend,
    customize: fn(&mut orders::Config),
    provider: Option<
        fn(platform::db::Database) -> Arc<dyn orders::clients::payments::PaymentProvider>,
    >,
    wiring: Wiring,
) -> Shop {
    let identity_database = TestDatabase::new(backend).await;
    let catalog_database = TestDatabase::new(backend).await;
    let orders_database = TestDatabase::new(backend).await;
    let keys = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bus = memory_bus();
    let identity = identity::build(
        identity::Config {
            database: identity_database.config.clone(),
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
    let catalog = catalog::build(
        catalog::Config::new(catalog_database.config.clone()),
        identity.verifier.clone(),
        &bus,
    )
    .await
    .unwrap_or_else(|e| panic!("catalog did not start: {e:#}"));
    let (catalog_client, identity_client, others, proxy) = match wiring {
        Wiring::InProcess => (
            ServiceClient::in_process("catalog", catalog.service.router.clone()),
            ServiceClient::in_process("identity", identity.service.router.clone()),
            vec![identity.service, catalog.service],
            None,
        ),
        Wiring::Http => {
            let app = App::compose(
                vec![identity.service, catalog.service],
                &platform::testing::http_config(),
                HttpMetrics::new(),
            );
            let (address, tasks) = spawn_app_with_tasks(app).await;
            let proxy = TcpProxy::start(address.to_string()).await;
            let through = format!("http://{}", proxy.address());
            (
                ServiceClient::http("catalog", &through),
                ServiceClient::http("identity", &through),
                vec![],
                Some((proxy, TestClient::new(address, ""), tasks)),
            )
        }
    };
    let client = orders::CatalogClient::new(
        catalog_client,
        Arc::new(ServiceTokens::new(
            identity_client,
            "orders",
            SecretString::from(SECRET),
        )),
    );
    let mut config = orders::Config {
        demo_data: true,
        ..orders::Config::new(orders_database.config.clone())
    };
    customize(&mut config);
    let payments = match provider {
        Some(make) => {
            let database = platform::db::Database::connect(&orders_database.config)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            database
                .migrate(&orders::MIGRATIONS)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            orders::Payments::Provider(make(database))
        }
        None => orders::Payments::Simulated,
    };
    let built = orders::build(config, identity.verifier.clone(), client, payments, &bus)
        .await
        .unwrap_or_else(|e| panic!("orders did not start: {e:#}"));
    let state = built.state.clone();
    let services = others.into_iter().chain([built.service]).collect();
    let (orders_client, tasks) = serve(services, "").await;
    let (proxy, others, other_tasks) = match proxy {
        Some((proxy, others, tasks)) => (Some(proxy), others, Some(tasks)),
        None => (None, orders_client.clone(), None),
    };
    let mut shop = Shop {
        others,
        orders_client,
        proxy,
        orders: state,
        orders_database,
        admin: String::new(),
        category: String::new(),
        _databases: vec![identity_database, catalog_database],
        _tasks: (tasks, other_tasks),
    };
    drop(keys);
    shop.admin = shop.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let category = shop
        .post(
            &shop.admin,
            "/api/catalog/categories",
            &json!({"name": "Books"}),
        )
        .await;
    assert_eq!(category.status(), StatusCode::CREATED);
    shop.category = text(&json_body(category).await["id"]);
    shop
}

impl Shop {
    /// The service that serves `path`: orders, or identity and the catalog.
    pub fn client_for(&self, path: &str) -> &TestClient {
        if path.starts_with("/api/orders") {
            &self.orders_client
        } else {
            &self.others
        }
    }

    /// The URL of `path`, on the service that serves it.
    pub fn url(&self, path: &str) -> String {
        self.client_for(path).url(path)
    }

    /// The HTTP client, for requests with headers of their own.
    pub fn http(&self) -> &reqwest::Client {
        &self.orders_client.http
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        self.orders_client.send(request).await
    }

    pub async fn get(&self, who: impl Bearer, path: &str) -> Response {
        self.client_for(path).get(who, path).await
    }

    pub async fn post(&self, who: impl Bearer, path: &str, body: &Value) -> Response {
        self.client_for(path).post(who, path, body).await
    }

    pub async fn patch(&self, who: impl Bearer, path: &str, body: &Value) -> Response {
        self.client_for(path).patch(who, path, body).await
    }

    async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .post(
                Anonymous,
                "/api/identity/login",
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        text(&json_body(response).await["access_token"])
    }

    /// A newly registered, signed-in customer.
    pub async fn customer(&self) -> Customer {
        let email = format!("{}@example.com", Uuid::now_v7().simple());
        let registered = self
            .post(
                Anonymous,
                "/api/identity/register",
                &json!({"email": email, "password": PASSWORD, "name": "Ana Buyer"}),
            )
            .await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        let token = self.login(&email, PASSWORD).await;
        let me = json_body(self.get(&token, "/api/identity/me").await).await;
        Customer {
            id: text(&me["id"]),
            token,
        }
    }

    /// A book with `stock` units at `price` cents; its id.
    pub async fn product(&self, name: &str, price: i64, stock: i64) -> String {
        let body = json!({
            "kind": "book", "name": name, "description": "A novel.",
            "category_id": self.category, "price": {"amount": price, "currency": "EUR"}, "stock": stock,
            "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
        });
        let response = self.post(&self.admin, "/api/catalog/products", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        text(&json_body(response).await["id"])
    }

    /// A product's stock in the catalog.
    pub async fn stock(&self, product: &str) -> i64 {
        let response = self
            .get(Anonymous, &format!("/api/catalog/products/{product}"))
            .await;
        json_body(response).await["stock"].as_i64().unwrap_or(-1)
    }

    /// Changes a product's price (administrator).
    pub async fn reprice(&self, product: &str, price: i64) {
        let response = self
            .patch(
                &self.admin,
                &format!("/api/catalog/products/{product}"),
                &json!({"price": {"amount": price, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// The cheapest delivery option (the demo's pick-up, free) or another by name.
    pub async fn delivery(&self, name: &str) -> Value {
        let options = json_body(self.get(Anonymous, "/api/orders/delivery-options").await).await;
        options
            .as_array()
            .and_then(|all| all.iter().find(|option| option["name"] == name).cloned())
            .unwrap_or_else(|| panic!("no delivery option {name}: {options}"))
    }

    pub async fn add(&self, token: &str, product: &str, quantity: i64) -> Response {
        let line = json!({"product_id": product, "quantity": quantity});
        self.post(token, "/api/orders/cart/items", &line).await
    }

    pub async fn cart(&self, token: &str) -> Value {
        json_body(self.get(token, "/api/orders/cart").await).await
    }

    pub async fn checkout(&self, token: &str, key: &str, body: &Value) -> Response {
        let request = self
            .orders_client
            .request(reqwest::Method::POST, token, "/api/orders/checkout")
            .header("idempotency-key", key)
            .json(body);
        self.send(request).await
    }

    /// The simulated provider's books for an order: (charges, refunded amount).
    pub async fn ledger(&self, order: &str) -> (i64, i64) {
        let database = platform::db::Database::connect(&self.orders_database.config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        orders::clients::payments::SimulatedProvider::new(
            database,
            0,
            contracts::money::DEFAULT_CURRENCY,
        )
        .ledger(order)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// A checkout body with `card` and the delivery option `option`.
pub fn checkout_body(option: &Value, card: &str) -> Value {
    json!({
        "shipping_address": {"name": "Ana Buyer", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "es"},
        "delivery_option": option["id"],
        "payment": {"method": "card", "number": card, "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Ana Buyer"}
    })
}

/// A fresh idempotency key.
pub fn key() -> String {
    Uuid::now_v7().to_string()
}

//! The proof of the distributed mode: the real `tienda` binary started as identity, customers,
//! catalog, orders, support, web and gateway processes on PostgreSQL and RabbitMQ, and a journey
//! through the gateway alone: a shopper registers, searches, checks out and opens an incident
//! about the order; an agent answers; the orders process is killed with SIGKILL and restarted
//! mid-journey and nothing acknowledged is lost; a logout is refused by every service within a
//! second.

mod common;

use std::time::{Duration, Instant};

use common::{Backbone, Process, access_token, json_of, send, serve, signing_key, start};
use platform::testing::TestDatabase;
use platform::testing::events::eventually;
use reqwest::StatusCode;
use serde_json::{Value, json};

const ADMIN_EMAIL: &str = "ops@example.com";
const ADMIN_PASSWORD: &str = "granite willow beacon 9";
const PASSWORD: &str = "copper meadow lantern";

/// A port free now, for a process that must come back on the same address.
fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()) {
        Ok(address) => address.port(),
        Err(error) => panic!("no free port: {error}"),
    }
}

struct Shop {
    gateway: Process,
    orders: Process,
    _others: Vec<Process>,
    _databases: Vec<TestDatabase>,
    backbone: Backbone,
}

/// Every process of a distributed shop, each service on its own database.
async fn start_shop(dir: &std::path::Path) -> Shop {
    let backend = platform::db::Backend::Postgres;
    let mut databases = Vec::new();
    for _ in 0..6 {
        databases.push(TestDatabase::new(backend).await);
    }
    let backbone = Backbone::new();
    let common = |database: &TestDatabase| {
        let mut environment = backbone.environment(database);
        // Behind the gateway, the client's address is the first X-Forwarded-For hop.
        environment.push(("TIENDA_TRUST_FORWARDED_FOR", "true".to_owned()));
        environment
    };
    let mut environment = common(&databases[0]);
    environment.extend([
        (
            "TIENDA_JWT_KEY_FILE",
            signing_key(dir).display().to_string(),
        ),
        ("TIENDA_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
        ("TIENDA_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
    ]);
    let identity = serve("identity", &environment);
    let with_identity = |database: &TestDatabase| {
        let mut environment = common(database);
        environment.push(("TIENDA_IDENTITY_URL", identity.url.clone()));
        environment
    };
    let customers = serve("customers", &with_identity(&databases[1]));
    let catalog = serve("catalog", &with_identity(&databases[2]));
    let support = serve("support", &with_identity(&databases[3]));
    let mut environment = with_identity(&databases[4]);
    environment.extend([
        ("TIENDA_CATALOG_URL", catalog.url.clone()),
        ("TIENDA_ADDR", format!("127.0.0.1:{}", free_port())),
    ]);
    let orders = serve("orders", &environment);
    let mut environment = with_identity(&databases[5]);
    environment.extend([
        ("TIENDA_CATALOG_URL", catalog.url.clone()),
        ("TIENDA_ORDERS_URL", orders.url.clone()),
        ("TIENDA_CUSTOMERS_URL", customers.url.clone()),
        ("TIENDA_SUPPORT_URL", support.url.clone()),
    ]);
    let web = serve("web", &environment);
    let gateway = start(
        &["gateway"],
        &[
            ("TIENDA_IDENTITY_URL", identity.url.clone()),
            ("TIENDA_CUSTOMERS_URL", customers.url.clone()),
            ("TIENDA_CATALOG_URL", catalog.url.clone()),
            ("TIENDA_ORDERS_URL", orders.url.clone()),
            ("TIENDA_SUPPORT_URL", support.url.clone()),
            ("TIENDA_WEB_URL", web.url.clone()),
        ],
    );
    Shop {
        gateway,
        orders,
        _others: vec![identity, customers, catalog, support, web],
        _databases: databases,
        backbone,
    }
}

/// Puts `quantity` of `product` in the shopper's cart and checks out; the paid order.
async fn buy(
    client: &reqwest::Client,
    base: &str,
    shopper: &str,
    (product, quantity): (&Value, u32),
    option: &Value,
    key: &str,
) -> Value {
    let added = send(
        client
            .post(format!("{base}/api/orders/cart/items"))
            .bearer_auth(shopper)
            .json(&json!({"product_id": product, "quantity": quantity})),
    )
    .await;
    assert_eq!(added.status(), StatusCode::OK);
    let paid = send(
        client
            .post(format!("{base}/api/orders/checkout"))
            .bearer_auth(shopper)
            .header("idempotency-key", key)
            .json(&checkout_body(option)),
    )
    .await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order = json_of(paid).await;
    assert_eq!(order["status"], "paid");
    order
}

fn checkout_body(option: &Value) -> Value {
    json!({
        "shipping_address": {"name": "Bea Buyer", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        "delivery_option": option,
        "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Bea Buyer"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and RabbitMQ: set TIENDA_TEST_DATABASE_URL and TIENDA_TEST_AMQP_URL and pass --include-ignored"]
async fn a_whole_journey_through_the_gateway_survives_a_killed_service_and_a_logout_reaches_every_service()
 {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temp dir")
    };
    let mut shop = start_shop(dir.path()).await;
    let base = shop.gateway.url.clone();
    let client = reqwest::Client::new();

    // The gateway is ready once every upstream is.
    eventually("every upstream ready behind the gateway", || async {
        let ready = send(client.get(format!("{base}/health/ready"))).await;
        (ready.status() == StatusCode::OK).then_some(())
    })
    .await;
    let home = send(client.get(format!("{base}/"))).await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap_or_default().contains("<html"));
    let document = json_of(send(client.get(format!("{base}/api/openapi.json"))).await).await;
    for path in [
        "/api/identity/login",
        "/api/catalog/products",
        "/api/orders/checkout",
        "/api/support/incidents",
        "/api/customers/me",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} not in the merged document"
        );
    }

    // The administrator lists a book and a delivery option, and makes an agent.
    let admin = access_token(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let category = json_of(
        send(
            client
                .post(format!("{base}/api/catalog/categories"))
                .bearer_auth(&admin)
                .json(&json!({"name": "Novels"})),
        )
        .await,
    )
    .await;
    let book = send(client.post(format!("{base}/api/catalog/products")).bearer_auth(&admin).json(&json!({
        "kind": "book", "name": "The Gateway Chronicles", "description": "Seven processes, one shop.",
        "category_id": category["id"], "price": {"amount": 1500, "currency": "EUR"}, "stock": 5,
        "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
    }))).await;
    assert_eq!(book.status(), StatusCode::CREATED);
    let book = json_of(book).await["id"].clone();
    let option = send(client.post(format!("{base}/api/orders/delivery-options")).bearer_auth(&admin).json(&json!({
        "carrier": "Correos", "name": "Standard", "price": {"amount": 300, "currency": "EUR"}, "estimated_days": 3
    }))).await;
    assert_eq!(option.status(), StatusCode::CREATED);
    let option = json_of(option).await["id"].clone();
    let mut registered_ids = Vec::new();
    for (email, name) in [
        ("bea@example.com", "Bea Buyer"),
        ("alex@example.com", "Alex Agent"),
    ] {
        let registered = send(
            client
                .post(format!("{base}/api/identity/register"))
                .json(&json!({"email": email, "password": PASSWORD, "name": name})),
        )
        .await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        registered_ids.push(json_of(registered).await["id"].clone());
    }
    let agent_id = registered_ids[1].clone();
    let promoted = send(
        client
            .patch(format!(
                "{base}/api/identity/users/{}",
                agent_id.as_str().unwrap_or_default()
            ))
            .bearer_auth(&admin)
            .json(&json!({"role": "agent"})),
    )
    .await;
    assert_eq!(promoted.status(), StatusCode::OK);

    // The shopper searches, fills a cart and checks out.
    let shopper = access_token(&client, &base, "bea@example.com", PASSWORD).await;
    let found = json_of(
        send(client.get(format!(
            "{base}/api/catalog/products?q=gateway%20chronicles"
        )))
        .await,
    )
    .await;
    assert_eq!(found["items"][0]["id"], book, "{found}");
    let first = buy(&client, &base, &shopper, (&book, 2), &option, "edge-1").await;

    // The orders process dies without a chance to flush anything, and comes back.
    shop.orders.kill();
    let down = send(
        client
            .get(format!("{base}/api/orders"))
            .bearer_auth(&shopper),
    )
    .await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    shop.orders.restart();
    let mine = eventually("the orders service back behind the gateway", || async {
        let listed = send(
            client
                .get(format!("{base}/api/orders"))
                .bearer_auth(&shopper),
        )
        .await;
        if listed.status() != StatusCode::OK {
            return None;
        }
        Some(json_of(listed).await)
    })
    .await;
    assert_eq!(
        mine["items"][0]["id"], first["id"],
        "the acknowledged order is missing after the kill"
    );

    // The journey goes on: a second order, and an incident about the first.
    buy(&client, &base, &shopper, (&book, 1), &option, "edge-2").await;
    let product = json_of(
        send(client.get(format!(
            "{base}/api/catalog/products/{}",
            book.as_str().unwrap_or_default()
        )))
        .await,
    )
    .await;
    assert_eq!(product["stock"], 5 - 2 - 1, "the stock does not add up");

    let opened = send(client.post(format!("{base}/api/support/incidents")).bearer_auth(&shopper).json(&json!({
        "subject": "Where is my book?", "description": "The first order has not arrived yet.",
        "category": "order", "related": {"kind": "order", "id": first["id"]}
    }))).await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let incident = json_of(opened).await;
    let incident_url = format!(
        "{base}/api/support/incidents/{}",
        incident["id"].as_str().unwrap_or_default()
    );
    let agent = access_token(&client, &base, "alex@example.com", PASSWORD).await;
    let answered = send(
        client
            .post(format!("{incident_url}/comments"))
            .bearer_auth(&agent)
            .json(&json!({"body": "It left the warehouse today.", "internal": false})),
    )
    .await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let seen = send(
        client
            .get(format!("{incident_url}/history"))
            .bearer_auth(&shopper),
    )
    .await;
    assert!(
        seen.text()
            .await
            .unwrap_or_default()
            .contains("left the warehouse"),
        "the shopper does not see the answer"
    );

    // A logout: every service refuses that session's token within a second.
    let session = access_token(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let guarded = [
        "/api/identity/me".to_owned(),
        "/api/customers?limit=1".to_owned(),
        format!(
            "/api/catalog/products/{}/stock",
            book.as_str().unwrap_or_default()
        ),
        "/api/orders?limit=1".to_owned(),
        "/api/support/incidents?limit=1".to_owned(),
    ];
    for path in &guarded {
        let before = send(client.get(format!("{base}{path}")).bearer_auth(&session)).await;
        assert_eq!(before.status(), StatusCode::OK, "{path} before the logout");
    }
    let logout = send(
        client
            .post(format!("{base}/api/identity/logout"))
            .bearer_auth(&session),
    )
    .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let logged_out = Instant::now();
    let mut refused = Vec::new();
    while refused.len() < guarded.len() && logged_out.elapsed() < Duration::from_secs(1) {
        refused.clear();
        for path in &guarded {
            let after = send(client.get(format!("{base}{path}")).bearer_auth(&session)).await;
            if after.status() == StatusCode::UNAUTHORIZED {
                refused.push(path.clone());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        refused, guarded,
        "a service still took the token a second after the logout"
    );
    // The administrator's other session is untouched.
    let still = send(
        client
            .get(format!("{base}/api/orders?limit=1"))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(still.status(), StatusCode::OK);

    drop(shop.gateway);
    drop(shop.orders);
    drop(shop._others);
    shop.backbone.tear_down().await;
}

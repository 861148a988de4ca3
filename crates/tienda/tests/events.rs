//! Events across services as Tienda runs them: in one process on the in-memory bus, and as
//! separate `tienda serve` processes on PostgreSQL and RabbitMQ (including a whole sale through
//! identity, catalog and orders processes). Plus `tienda events`.

use std::process::Command;

#[expect(dead_code, reason = "this file restarts no process")]
mod common;

use common::{BINARY, Backbone, access_token, json_of, send, serve, signing_key};
use platform::testing::events::eventually;
use platform::testing::{TestDatabase, spawn_router};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tienda::Settings;

const ADMIN_EMAIL: &str = "ops@example.com";
const ADMIN_PASSWORD: &str = "granite willow beacon 9";
const PASSWORD: &str = "copper meadow lantern";

/// The customer record with `email`, as an administrator of `customers` finds it.
async fn customer_record(
    client: &reqwest::Client,
    customers: &str,
    token: &str,
    email: &str,
) -> Option<Value> {
    let found = send(
        client
            .get(format!("{customers}/api/customers?q={email}"))
            .bearer_auth(token),
    )
    .await;
    json_of(found).await["items"]
        .as_array()
        .and_then(|items| items.first().cloned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_one_process_a_registration_makes_a_record_and_an_erasure_reaches_the_incidents() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temp dir")
    };
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        demo_data: false,
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.to_owned().into()),
        ..Settings::default()
    };
    let built = match tienda::build_embedded(&settings).await {
        Ok(built) => built,
        Err(error) => panic!("{error:#}"),
    };
    let router = built.app.router();
    let _tasks = platform::testing::events::run_tasks(built.app.into_tasks()).drop_guard();
    let base = format!("http://{}", spawn_router(router).await);
    let client = reqwest::Client::new();
    let registered =
        send(client.post(format!("{base}/api/identity/register")).json(
            &json!({"email": "lucia@example.com", "password": PASSWORD, "name": "Lucía Pérez"}),
        ))
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let admin = access_token(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let record = eventually("the customer record", || async {
        customer_record(&client, &base, &admin, "lucia@example.com").await
    })
    .await;
    assert_eq!(record["given_name"], "Lucía");
    let lucia = access_token(&client, &base, "lucia@example.com", PASSWORD).await;
    let opened = send(client.post(format!("{base}/api/support/incidents")).bearer_auth(&lucia)
        .json(&json!({"subject": "Broken leash", "description": "Lucía Pérez, Calle Mayor 1: the leash broke.", "category": "product"}))).await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let incident = json_of(opened).await;
    let customer_id = record["id"].as_str().unwrap_or_default();
    let erased = send(
        client
            .post(format!("{base}/api/customers/{customer_id}/erase"))
            .bearer_auth(&admin)
            .json(&json!({})),
    )
    .await;
    assert_eq!(erased.status(), StatusCode::OK);
    let incident_url = format!(
        "{base}/api/support/incidents/{}",
        incident["id"].as_str().unwrap_or_default()
    );
    let anonymised = eventually("the anonymised incident", || async {
        let seen = json_of(send(client.get(&incident_url).bearer_auth(&admin)).await).await;
        (seen["requester_name"] == "Erased customer").then_some(seen)
    })
    .await;
    assert!(
        !anonymised.to_string().contains("Calle Mayor"),
        "{anonymised}"
    );
    let metrics = send(client.get(format!("{base}/metrics")))
        .await
        .text()
        .await
        .unwrap_or_default();
    for line in [
        r#"tienda_events_consumed_total{service="customers"}"#,
        r#"tienda_events_consumed_total{service="support"}"#,
        r#"tienda_events_published_total{service="identity"}"#,
        r#"tienda_outbox_backlog{service="customers"}"#,
        r#"tienda_outbox_oldest_pending_seconds{service="support"}"#,
    ] {
        assert!(metrics.contains(line), "{line} missing from /metrics");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and RabbitMQ: set TIENDA_TEST_DATABASE_URL and TIENDA_TEST_AMQP_URL and pass --include-ignored"]
async fn a_registration_through_the_identity_process_makes_a_record_in_the_customers_process() {
    let identity_db = TestDatabase::new(platform::db::Backend::Postgres).await;
    let customers_db = TestDatabase::new(platform::db::Backend::Postgres).await;
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temp dir")
    };
    let key = signing_key(dir.path());
    let backbone = Backbone::new();
    let common = |database: &TestDatabase| backbone.environment(database);
    let mut identity_env = common(&identity_db);
    identity_env.extend([
        ("TIENDA_JWT_KEY_FILE", key.display().to_string()),
        ("TIENDA_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
        ("TIENDA_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
    ]);
    let identity = serve("identity", &identity_env);
    // Identity publishes before customers ever starts: the event waits in customers' queue.
    let client = reqwest::Client::new();
    let registered = send(
        client
            .post(format!("{}/api/identity/register", identity.url))
            .json(
                &json!({"email": "dist@example.com", "password": PASSWORD, "name": "Dist Ribuido"}),
            ),
    )
    .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let user = json_of(registered).await;
    let mut customers_env = common(&customers_db);
    customers_env.push(("TIENDA_IDENTITY_URL", identity.url.clone()));
    let customers = serve("customers", &customers_env);
    let admin = access_token(&client, &identity.url, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let record = eventually("the customer record in the customers process", || async {
        customer_record(&client, &customers.url, &admin, "dist@example.com").await
    })
    .await;
    assert_eq!(record["user_id"], user["id"]);
    let ready = json_of(send(client.get(format!("{}/health/ready", customers.url))).await).await;
    assert_eq!(ready["status"], "up", "{ready}");
    assert!(
        ready.to_string().contains("customers-events-amqp"),
        "{ready}"
    );
    drop(customers);
    drop(identity);
    backbone.tear_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and RabbitMQ: set TIENDA_TEST_DATABASE_URL and TIENDA_TEST_AMQP_URL and pass --include-ignored"]
async fn a_customer_buys_and_receives_an_order_through_identity_catalog_and_orders_processes() {
    let backend = platform::db::Backend::Postgres;
    let identity_db = TestDatabase::new(backend).await;
    let catalog_db = TestDatabase::new(backend).await;
    let orders_db = TestDatabase::new(backend).await;
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temp dir")
    };
    let key = signing_key(dir.path());
    let backbone = Backbone::new();
    let common = |database: &TestDatabase| backbone.environment(database);
    let mut identity_env = common(&identity_db);
    identity_env.extend([
        ("TIENDA_JWT_KEY_FILE", key.display().to_string()),
        ("TIENDA_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
        ("TIENDA_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
    ]);
    let identity = serve("identity", &identity_env);
    let mut catalog_env = common(&catalog_db);
    catalog_env.push(("TIENDA_IDENTITY_URL", identity.url.clone()));
    let catalog = serve("catalog", &catalog_env);
    let mut orders_env = common(&orders_db);
    orders_env.extend([
        ("TIENDA_IDENTITY_URL", identity.url.clone()),
        ("TIENDA_CATALOG_URL", catalog.url.clone()),
    ]);
    let orders = serve("orders", &orders_env);
    let client = reqwest::Client::new();
    let admin = access_token(&client, &identity.url, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The administrator lists a book and a delivery option.
    let category = json_of(
        send(
            client
                .post(format!("{}/api/catalog/categories", catalog.url))
                .bearer_auth(&admin)
                .json(&json!({"name": "Novels"})),
        )
        .await,
    )
    .await;
    let book = send(client.post(format!("{}/api/catalog/products", catalog.url)).bearer_auth(&admin).json(&json!({
        "kind": "book", "name": "Distributed Tales", "description": "Three processes, one sale.",
        "category_id": category["id"], "price": {"amount": 1999, "currency": "EUR"}, "stock": 2,
        "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
    }))).await;
    assert_eq!(book.status(), StatusCode::CREATED);
    let book = json_of(book).await["id"].clone();
    let option = send(client.post(format!("{}/api/orders/delivery-options", orders.url)).bearer_auth(&admin).json(&json!({
        "carrier": "Correos", "name": "Standard", "price": {"amount": 399, "currency": "EUR"}, "estimated_days": 3
    }))).await;
    assert_eq!(option.status(), StatusCode::CREATED);
    let option = json_of(option).await["id"].clone();

    // A customer: cart, checkout (the orders process reserves in the catalog process with a
    // service token from the identity process), and the order through to delivery.
    let registered = send(
        client
            .post(format!("{}/api/identity/register", identity.url))
            .json(
                &json!({"email": "buyer@example.com", "password": PASSWORD, "name": "Bea Buyer"}),
            ),
    )
    .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let buyer = access_token(&client, &identity.url, "buyer@example.com", PASSWORD).await;
    let empty = json_of(
        send(
            client
                .get(format!("{}/api/orders/cart", orders.url))
                .bearer_auth(&buyer),
        )
        .await,
    )
    .await;
    assert_eq!(empty["item_count"], 0);
    let added = send(
        client
            .post(format!("{}/api/orders/cart/items", orders.url))
            .bearer_auth(&buyer)
            .json(&json!({"product_id": book, "quantity": 1})),
    )
    .await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(
        json_of(added).await["lines"][0]["name"],
        "Distributed Tales"
    );
    let paid = send(client.post(format!("{}/api/orders/checkout", orders.url)).bearer_auth(&buyer).header("idempotency-key", "dist-1").json(&json!({
        "shipping_address": {"name": "Bea Buyer", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        "delivery_option": option,
        "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Bea Buyer"}
    }))).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order = json_of(paid).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["total"]["amount"], 2398);
    let stock = json_of(
        send(client.get(format!(
            "{}/api/catalog/products/{}",
            catalog.url,
            book.as_str().unwrap_or_default()
        )))
        .await,
    )
    .await;
    assert_eq!(stock["stock"], 1);
    let path = format!(
        "{}/api/orders/{}",
        orders.url,
        order["id"].as_str().unwrap_or_default()
    );
    let shipped = send(
        client
            .post(format!("{path}/shipment"))
            .bearer_auth(&admin)
            .json(&json!({"carrier": "Correos", "tracking_number": "PQ1ES"})),
    )
    .await;
    assert_eq!(shipped.status(), StatusCode::OK);
    let delivered = send(client.post(format!("{path}/delivered")).bearer_auth(&admin)).await;
    assert_eq!(delivered.status(), StatusCode::OK);
    let seen = json_of(send(client.get(&path).bearer_auth(&buyer)).await).await;
    assert_eq!(seen["status"], "delivered");
    assert_eq!(seen["shipment"]["tracking_number"], "PQ1ES");

    // The orders process publishes its events over RabbitMQ: its outbox empties.
    let ready = json_of(send(client.get(format!("{}/health/ready", orders.url))).await).await;
    assert_eq!(ready["status"], "up", "{ready}");
    assert!(ready.to_string().contains("orders-events-amqp"), "{ready}");
    let relayed = platform::db::Database::connect(&orders_db.config).await;
    let Ok(relayed) = relayed else {
        panic!("cannot open the orders database")
    };
    eventually("the order events leave the outbox", || async {
        let pending = platform::events::outbox::pending(&relayed).await.ok()?;
        (pending == 0).then_some(())
    })
    .await;
    drop(orders);
    drop(catalog);
    drop(identity);
    backbone.tear_down().await;
}

#[test]
fn the_events_command_lists_and_replays_dead_letters() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        Command::new(BINARY)
            .args(args)
            .env("TIENDA_DATA_DIR", &data)
            .env("TIENDA_LOG", "warn")
            .output()
    };
    let empty = run(&["events", "dead-letters"])?;
    assert!(
        empty.status.success(),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );
    assert!(String::from_utf8_lossy(&empty.stdout).contains("No dead letters."));
    // A dead letter, as a handler that failed every attempt leaves it.
    let id = uuid::Uuid::now_v7();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let database = platform::db::Database::connect(&platform::db::DatabaseConfig::sqlite_file(&data.join("support.db"))).await?;
        sqlx::query("INSERT INTO event_inbox (id, type, subject, envelope, status, attempts, next_attempt_at, last_error, received_at) \
                     VALUES ($1, 'tienda.customers.customer.erased.v1', 'c-1', '{}', 'dead', 5, '2026-01-01T00:00:00.000000Z', 'it kept failing', '2026-01-01T00:00:00.000000Z')")
            .bind(id.to_string())
            .execute(database.pool())
            .await?;
        database.close().await;
        anyhow::Ok(())
    })?;
    let listed = run(&["events", "dead-letters"])?;
    let listed_text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed_text.contains(&id.to_string())
            && listed_text.contains("it kept failing")
            && listed_text.contains("support"),
        "{listed_text}"
    );
    let replayed = run(&["events", "replay", &id.to_string()])?;
    assert!(
        replayed.status.success(),
        "{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
    assert!(String::from_utf8_lossy(&replayed.stdout).contains("support"));
    let again = run(&["events", "replay", &id.to_string()])?;
    assert!(
        !again.status.success(),
        "a replayed event is no longer dead"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("no dead letter"));
    let after = run(&["events", "dead-letters"])?;
    assert!(String::from_utf8_lossy(&after.stdout).contains("No dead letters."));
    let bad = run(&["events", "replay", "not-a-uuid"])?;
    assert!(!bad.status.success());
    Ok(())
}

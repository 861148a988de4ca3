//! The embedded shop killed with SIGKILL in the middle of a stream of checkouts, twenty times:
//! after each restart every order that was answered 201 is there and paid; once recovery has
//! settled, no card was charged without a paid order or twice for one, and the stock is what it
//! was less what the paid orders hold.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

#[expect(dead_code, reason = "this file uses no event backbone")]
mod common;

use common::{json_of, send};

const ADMIN_EMAIL: &str = "owner@example.com";
const ADMIN_PASSWORD: &str = "copper meadow lantern owner";
const PASSWORD: &str = "quiet harbor lantern";
const INITIAL_STOCK: i64 = 5_000;
const SHOPPERS: usize = 6;
const KILLS: usize = 20;

/// A shopper: its token (sessions survive a restart) and the orders answered 201 to it.
struct Shopper {
    token: String,
    placed: Vec<String>,
}

/// One shopper's checkouts until the process dies under it: each adds a unit and checks out
/// with a key of its own; answers the ids of the orders placed (201).
async fn shop_until_killed(
    client: reqwest::Client,
    base: String,
    token: String,
    product: Value,
    delivery: Value,
    round: usize,
    shopper: usize,
) -> Vec<String> {
    let mut placed = Vec::new();
    for attempt in 0.. {
        let added = client
            .post(format!("{base}/api/orders/cart/items"))
            .bearer_auth(&token)
            .json(&json!({"product_id": product, "quantity": 1}))
            .send()
            .await;
        if added.is_err() {
            break;
        }
        let checkout = client
            .post(format!("{base}/api/orders/checkout"))
            .bearer_auth(&token)
            .header("idempotency-key", format!("kill-{round}-{shopper}-{attempt}"))
            .json(&json!({
                "shipping_address": {"name": "Shopper", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
                "delivery_option": delivery,
                "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Shopper"}
            }))
            .send()
            .await;
        match checkout {
            Ok(response) if response.status() == StatusCode::CREATED => {
                let order = json_of(response).await;
                placed.push(order["id"].as_str().unwrap_or_default().to_owned());
            }
            // A 409 (a checkout of this shopper's left pending by the last kill, until
            // recovery ends it) or a 503 while the shop comes up: go on.
            Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(_) => break,
        }
    }
    placed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_charges_and_stock_survive_twenty_kills_during_checkouts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let environment = [
        ("TIENDA_DATA_DIR", dir.path().display().to_string()),
        ("TIENDA_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
        ("TIENDA_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
        ("TIENDA_DEMO_DATA", "false".to_owned()),
        // Recovery soon after a restart, and often.
        ("TIENDA_ORDERS_RECOVERY_GRACE_SECS", "3".to_owned()),
        ("TIENDA_ORDERS_RECOVERY_INTERVAL_SECS", "1".to_owned()),
    ];
    let mut shop = common::start(&[], &environment);
    let client = reqwest::Client::new();
    let base = shop.url.clone();
    let admin = common::access_token(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let category = json_of(
        send(
            client
                .post(format!("{base}/api/catalog/categories"))
                .bearer_auth(&admin)
                .json(&json!({"name": "Books"})),
        )
        .await,
    )
    .await;
    let product = json_of(send(client.post(format!("{base}/api/catalog/products")).bearer_auth(&admin).json(&json!({
        "kind": "book", "name": "The Sea", "description": "A novel.", "category_id": category["id"],
        "price": {"amount": 1000, "currency": "EUR"}, "stock": INITIAL_STOCK,
        "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
    }))).await).await;
    let delivery = json_of(send(client.post(format!("{base}/api/orders/delivery-options")).bearer_auth(&admin).json(&json!({
        "carrier": "Correos", "name": "Standard", "price": {"amount": 0, "currency": "EUR"}, "estimated_days": 2, "active": true
    }))).await).await;
    assert!(
        product["id"].is_string() && delivery["id"].is_string(),
        "{product} {delivery}"
    );
    let mut shoppers = Vec::new();
    for n in 0..SHOPPERS {
        let email = format!("shopper.{n}@example.com");
        let registered = send(
            client
                .post(format!("{base}/api/identity/register"))
                .json(&json!({"email": email, "password": PASSWORD, "name": "Shopper"})),
        )
        .await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        let token = common::access_token(&client, &base, &email, PASSWORD).await;
        shoppers.push(Shopper {
            token,
            placed: Vec::new(),
        });
    }

    let mut kill_after = 150;
    for round in 0..KILLS {
        let running: Vec<_> = shoppers
            .iter()
            .enumerate()
            .map(|(n, shopper)| {
                tokio::spawn(shop_until_killed(
                    client.clone(),
                    shop.url.clone(),
                    shopper.token.clone(),
                    product["id"].clone(),
                    delivery["id"].clone(),
                    round,
                    n,
                ))
            })
            .collect();
        // Somewhere else in the checkout each time.
        kill_after = (kill_after * 7 + 113) % 900 + 100;
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        shop.kill();
        for (shopper, task) in shoppers.iter_mut().zip(running) {
            shopper
                .placed
                .extend(task.await.unwrap_or_else(|e| panic!("{e}")));
        }
        shop.restart();
        // Every order answered 201 is there, paid, for its customer.
        for shopper in &shoppers {
            for id in &shopper.placed {
                let order = send(
                    client
                        .get(format!("{}/api/orders/{id}", shop.url))
                        .bearer_auth(&shopper.token),
                )
                .await;
                assert_eq!(
                    order.status(),
                    StatusCode::OK,
                    "order {id} answered 201 is gone after kill {round}"
                );
                assert_eq!(json_of(order).await["status"], "paid", "order {id}");
            }
        }
    }
    let placed: HashSet<String> = shoppers
        .iter()
        .flat_map(|shopper| shopper.placed.iter().cloned())
        .collect();
    assert!(
        placed.len() >= KILLS,
        "only {} orders were placed in {KILLS} rounds",
        placed.len()
    );

    // Recovery ends every checkout the kills interrupted: paid, or cancelled with its stock back.
    let orders_file = dir.path().join("orders.db");
    let database =
        platform::db::Database::connect(&platform::db::DatabaseConfig::sqlite_file(&orders_file))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    let mut settled = false;
    for _ in 0..120 {
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE pending_step IS NOT NULL OR status = 'pending_payment'")
            .fetch_one(database.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        if pending == 0 {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(settled, "recovery did not end the interrupted checkouts");
    let paid: HashMap<String, i64> = sqlx::query(
        "SELECT o.id, SUM(l.quantity) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE o.status = 'paid' GROUP BY o.id",
    )
    .fetch_all(database.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .into_iter()
    .map(|row| (row.get::<String, _>("id"), row.get::<i64, _>("units")))
    .collect();
    assert!(
        placed.iter().all(|id| paid.contains_key(id)),
        "an order answered 201 is not paid"
    );
    // The kills did land inside checkouts: orders nobody was answered for, ended by recovery.
    let interrupted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(database.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let interrupted = interrupted - i64::try_from(placed.len()).unwrap_or_default();
    eprintln!(
        "{} orders answered 201, {} paid in all, {interrupted} interrupted by a kill",
        placed.len(),
        paid.len()
    );
    assert!(interrupted > 0, "no kill landed inside a checkout");
    // Every approved charge is one paid order's, once.
    let charged: Vec<String> = sqlx::query_scalar(
        "SELECT idempotency_key FROM simulated_charges WHERE outcome = 'approved'",
    )
    .fetch_all(database.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let charged_orders: HashSet<&String> = charged.iter().collect();
    assert_eq!(
        charged_orders.len(),
        charged.len(),
        "an order was charged twice"
    );
    let paid_orders: HashSet<&String> = paid.keys().collect();
    assert_eq!(
        charged_orders, paid_orders,
        "charges and paid orders differ"
    );
    // The stock is the initial less what the paid orders hold (reservations of the ended
    // checkouts released).
    let sold: i64 = paid.values().sum();
    let stock = json_of(
        send(client.get(format!(
            "{}/api/catalog/products/{}",
            shop.url,
            product["id"].as_str().unwrap_or_default()
        )))
        .await,
    )
    .await["stock"]
        .as_i64()
        .unwrap_or(-1);
    assert_eq!(
        stock,
        INITIAL_STOCK - sold,
        "{} paid orders, {sold} units",
        paid.len()
    );
}

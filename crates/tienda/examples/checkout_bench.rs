//! Checkout throughput: customers each adding a book to their cart and checking out, over and
//! over, against a running Tienda (embedded, or identity + catalog + orders as processes).
//!
//! `checkout_bench IDENTITY_URL CATALOG_URL ORDERS_URL [CUSTOMERS] [SECONDS]`, with the first
//! administrator in `ADMIN_EMAIL` / `ADMIN_PASSWORD`. Prints checkouts per second and the
//! latency of the checkout request (p50, p90, p99); the add-to-cart before each is not timed.
//! Run by `bench/checkout.sh`.

use std::time::{Duration, Instant};

#[path = "support/shop.rs"]
mod shop;

use serde_json::json;
use shop::{Result, Shop, Urls, checkout_body, percentile, post};

const PRODUCTS: usize = 50;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, identity, catalog, orders, ..] = args.as_slice() else {
        return Err(
            "usage: checkout_bench IDENTITY_URL CATALOG_URL ORDERS_URL [CUSTOMERS] [SECONDS]"
                .into(),
        );
    };
    let customers: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(16);
    let seconds: u64 = args.get(5).and_then(|n| n.parse().ok()).unwrap_or(30);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(customers * 2)
        .build()?;
    let urls = Urls {
        identity: identity.clone(),
        catalog: catalog.clone(),
        orders: orders.clone(),
    };
    let Shop {
        products,
        delivery_option,
        tokens,
    } = Shop::set_up(&client, &urls, PRODUCTS, customers).await?;
    eprintln!("set up: {PRODUCTS} products, {customers} customers; running {seconds} s");

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers = tokens.into_iter().enumerate().map(|(worker, token)| {
        let client = client.clone();
        let products = products.clone();
        let option = delivery_option.clone();
        let orders = orders.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            let mut iteration = 0usize;
            while Instant::now() < deadline {
                let product = &products[(worker * 7 + iteration) % products.len()];
                iteration += 1;
                if post(
                    &client,
                    format!("{orders}/api/orders/cart/items"),
                    Some(&token),
                    json!({"product_id": product, "quantity": 1}),
                )
                .await
                .is_err()
                {
                    failures += 1;
                    continue;
                }
                let body = checkout_body(&option);
                let began = Instant::now();
                let answer = client
                    .post(format!("{orders}/api/orders/checkout"))
                    .bearer_auth(&token)
                    .header("idempotency-key", uuid::Uuid::now_v7().to_string())
                    .json(&body)
                    .send()
                    .await;
                match answer {
                    Ok(response) if response.status().as_u16() == 201 => {
                        latencies.push(began.elapsed())
                    }
                    Ok(response) => {
                        failures += 1;
                        if failures <= 3 {
                            eprintln!(
                                "checkout answered {}: {}",
                                response.status(),
                                response.text().await.unwrap_or_default()
                            );
                        }
                    }
                    Err(error) => {
                        failures += 1;
                        eprintln!("checkout failed: {error}");
                    }
                }
            }
            (latencies, failures)
        })
    });
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers.collect::<Vec<_>>() {
        let (mine, failed) = worker.await?;
        latencies.extend(mine);
        failures += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "{} checkouts in {elapsed:.1} s by {customers} customers: {:.1} checkouts/s; checkout latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms; {failures} failed",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
    );
    Ok(())
}

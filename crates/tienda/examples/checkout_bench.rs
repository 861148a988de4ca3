//! Checkout throughput: customers each adding a book to their cart and checking out, over and
//! over, against a running Tienda (embedded, or identity + catalog + orders as processes).
//!
//! `checkout_bench IDENTITY_URL CATALOG_URL ORDERS_URL [CUSTOMERS] [SECONDS]`, with the first
//! administrator in `ADMIN_EMAIL` / `ADMIN_PASSWORD`. Prints checkouts per second and the
//! latency of the checkout request (p50, p90, p99); the add-to-cart before each is not timed.
//! Run by `bench/checkout.sh`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const PRODUCTS: usize = 50;

async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Result<Value> {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("{status}: {body}").into());
    }
    Ok(body)
}

async fn login(
    client: &reqwest::Client,
    identity: &str,
    email: &str,
    password: &str,
) -> Result<String> {
    let body = post(
        client,
        format!("{identity}/api/identity/login"),
        None,
        json!({"email": email, "password": password}),
    )
    .await?;
    Ok(body["access_token"].as_str().unwrap_or_default().to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

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
    let admin_email = std::env::var("ADMIN_EMAIL")?;
    let admin_password = std::env::var("ADMIN_PASSWORD")?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(customers * 2)
        .build()?;
    let admin = login(&client, identity, &admin_email, &admin_password).await?;

    // The shop: a category, 50 books with plenty of stock, one delivery option.
    let run = uuid::Uuid::now_v7().simple().to_string();
    let category = post(
        &client,
        format!("{catalog}/api/catalog/categories"),
        Some(&admin),
        json!({"name": format!("Bench {run}")}),
    )
    .await?;
    let mut products = Vec::with_capacity(PRODUCTS);
    for n in 0..PRODUCTS {
        let product = post(&client, format!("{catalog}/api/catalog/products"), Some(&admin), json!({
            "kind": "book", "name": format!("Bench book {n}"), "description": "For the benchmark.",
            "category_id": category["id"], "price": {"amount": 1000 + n as i64, "currency": "EUR"}, "stock": 1_000_000,
            "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
        })).await?;
        products.push(product["id"].clone());
    }
    let option = post(&client, format!("{orders}/api/orders/delivery-options"), Some(&admin), json!({
        "carrier": "Bench", "name": format!("Bench {run}"), "price": {"amount": 399, "currency": "EUR"}, "estimated_days": 2
    })).await?;
    let mut tokens = Vec::with_capacity(customers);
    for n in 0..customers {
        let email = format!("bench-{run}-{n}@example.com");
        post(
            &client,
            format!("{identity}/api/identity/register"),
            None,
            json!({"email": email, "password": "bench harbor lantern", "name": "Bench"}),
        )
        .await?;
        tokens.push(login(&client, identity, &email, "bench harbor lantern").await?);
    }
    eprintln!("set up: {PRODUCTS} products, {customers} customers; running {seconds} s");

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers = tokens.into_iter().enumerate().map(|(worker, token)| {
        let client = client.clone();
        let products = products.clone();
        let option = option["id"].clone();
        let orders = orders.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            let mut iteration = 0usize;
            while Instant::now() < deadline {
                let product = &products[(worker * 7 + iteration) % products.len()];
                iteration += 1;
                if post(&client, format!("{orders}/api/orders/cart/items"), Some(&token), json!({"product_id": product, "quantity": 1})).await.is_err() {
                    failures += 1;
                    continue;
                }
                let body = json!({
                    "shipping_address": {"name": "Bench", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
                    "delivery_option": option,
                    "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Bench"}
                });
                let began = Instant::now();
                let answer = client.post(format!("{orders}/api/orders/checkout")).bearer_auth(&token)
                    .header("idempotency-key", uuid::Uuid::now_v7().to_string()).json(&body).send().await;
                match answer {
                    Ok(response) if response.status().as_u16() == 201 => latencies.push(began.elapsed()),
                    Ok(response) => {
                        failures += 1;
                        if failures <= 3 {
                            eprintln!("checkout answered {}: {}", response.status(), response.text().await.unwrap_or_default());
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

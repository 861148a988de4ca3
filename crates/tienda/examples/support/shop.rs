//! What the load examples share: calls that must succeed, and a shop made for the run (a
//! category, books with ample stock, one delivery option, registered customers signed in).

use std::time::Duration;

use serde_json::{Value, json};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Where each service answers: one URL for all in the embedded mode or through the gateway.
pub struct Urls {
    pub identity: String,
    pub catalog: String,
    pub orders: String,
}

/// A shop made for one run.
pub struct Shop {
    /// The books' ids.
    pub products: Vec<Value>,
    /// The delivery option's id.
    pub delivery_option: Value,
    /// One access token per customer.
    pub tokens: Vec<String>,
}

/// POSTs `body` and answers the JSON of a 2xx; anything else is an error naming the status.
pub async fn post(
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

/// An access token for `email`.
pub async fn login(
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

/// The `p` quantile (0 to 1) of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// The card and address every checkout of a run sends.
pub fn checkout_body(delivery_option: &Value) -> Value {
    json!({
        "shipping_address": {"name": "Bench", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        "delivery_option": delivery_option,
        "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Bench"}
    })
}

impl Shop {
    /// Makes the shop as the administrator in `ADMIN_EMAIL` / `ADMIN_PASSWORD`: `products`
    /// books and `customers` signed-in customers.
    pub async fn set_up(
        client: &reqwest::Client,
        urls: &Urls,
        products: usize,
        customers: usize,
    ) -> Result<Self> {
        let admin_email = std::env::var("ADMIN_EMAIL")?;
        let admin_password = std::env::var("ADMIN_PASSWORD")?;
        let admin = login(client, &urls.identity, &admin_email, &admin_password).await?;
        let run = uuid::Uuid::now_v7().simple().to_string();
        let category = post(
            client,
            format!("{}/api/catalog/categories", urls.catalog),
            Some(&admin),
            json!({"name": format!("Bench {run}")}),
        )
        .await?;
        let mut ids = Vec::with_capacity(products);
        for n in 0..products {
            let product = post(client, format!("{}/api/catalog/products", urls.catalog), Some(&admin), json!({
                "kind": "book", "name": format!("Bench book {n}"), "description": "For the benchmark.",
                "category_id": category["id"], "price": {"amount": 1000 + n as i64, "currency": "EUR"}, "stock": 1_000_000,
                "attributes": {"author": "Ana Ruiz", "isbn": "978-0-306-40615-7", "publisher": "Mar", "year": 2001}
            })).await?;
            ids.push(product["id"].clone());
        }
        let option = post(client, format!("{}/api/orders/delivery-options", urls.orders), Some(&admin), json!({
            "carrier": "Bench", "name": format!("Bench {run}"), "price": {"amount": 399, "currency": "EUR"}, "estimated_days": 2
        })).await?;
        let mut tokens = Vec::with_capacity(customers);
        for n in 0..customers {
            let email = format!("bench-{run}-{n}@example.com");
            post(
                client,
                format!("{}/api/identity/register", urls.identity),
                None,
                json!({"email": email, "password": "bench harbor lantern", "name": "Bench"}),
            )
            .await?;
            tokens.push(login(client, &urls.identity, &email, "bench harbor lantern").await?);
        }
        Ok(Self {
            products: ids,
            delivery_option: option["id"].clone(),
            tokens,
        })
    }
}

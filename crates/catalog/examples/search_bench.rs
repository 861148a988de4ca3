//! Benchmark of catalog search on 100,000 products (docs/benchmarks.md): the latency of text
//! searches and filtered pages through the real HTTP stack, on SQLite or PostgreSQL.
//!
//! `cargo run --release -p catalog --example search_bench -- sqlite|postgres` (PostgreSQL from
//! `TIENDA_TEST_DATABASE_URL`); `PRODUCTS` (default 100000) and `REQUESTS` (default 200) change
//! the sizes. Run through `bench/search.sh`.

use std::time::Instant;

use platform::App;
use platform::db::Backend;
use platform::http::HttpMetrics;
use platform::testing::events::memory_bus;
use platform::testing::{TestDatabase, TestIssuer, spawn_router};
use serde_json::json;
use uuid::Uuid;

const SYLLABLES: [&str; 32] = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "an", "be", "co", "du", "el", "fa", "gi", "ho",
    "ir", "ja", "ke", "lu", "ma", "no", "or", "pe", "qui", "ra", "se", "to", "ul", "ve", "xi",
    "zo",
];

/// A deterministic word: two or three syllables from `seed`.
fn word(seed: u64) -> String {
    let a = SYLLABLES[(seed % 32) as usize];
    let b = SYLLABLES[((seed / 32) % 32) as usize];
    if seed.is_multiple_of(3) {
        format!("{a}{b}{}", SYLLABLES[((seed / 1024) % 32) as usize])
    } else {
        format!("{a}{b}")
    }
}

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Mostly common words, sometimes rare ones (a Zipf-like spread over 4,096 words).
    fn word(&mut self) -> String {
        let r = self.next();
        let rank = if r % 10 < 7 { r % 64 } else { r % 4096 };
        word(rank)
    }
}

fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction).round() as usize];
    (at(0.5), at(0.99))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let backend = match std::env::args().nth(1).as_deref() {
        Some("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let products: u64 = std::env::var("PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let requests: usize = std::env::var("REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let database = TestDatabase::new(backend).await;
    let issuer = TestIssuer::new();
    let built = catalog::build(
        catalog::Config::new(database.config.clone()),
        issuer.verifier(),
        &memory_bus(),
    )
    .await?;
    let state = built.state.clone();
    let app = App::compose(
        vec![built.service],
        &platform::testing::http_config(),
        HttpMetrics::new(),
    );
    let base = format!("http://{}/api/catalog", spawn_router(app.router()).await);
    let client = reqwest::Client::new();
    let admin = issuer.token(
        Uuid::now_v7(),
        contracts::auth::Role::Admin,
        "bench@example.com",
        "Bench",
    );

    // A tree: 4 top categories with 5 children each; products go to the children.
    let mut leaves = Vec::new();
    let mut tops = Vec::new();
    for top in 0..4 {
        let made: serde_json::Value = client
            .post(format!("{base}/categories"))
            .bearer_auth(&admin)
            .json(&json!({"name": format!("Top {top}")}))
            .send()
            .await?
            .json()
            .await?;
        let top_id = made["id"].as_str().unwrap_or_default().to_owned();
        for child in 0..5 {
            let made: serde_json::Value = client
                .post(format!("{base}/categories"))
                .bearer_auth(&admin)
                .json(&json!({"name": format!("Child {child}"), "parent_id": top_id}))
                .send()
                .await?
                .json()
                .await?;
            leaves.push(Uuid::parse_str(made["id"].as_str().unwrap_or_default())?);
        }
        tops.push(top_id);
    }

    let started = Instant::now();
    let mut random = Random(42);
    let now = platform::time::now();
    let mut written = 0;
    while written < products {
        let mut transaction = state.database.begin().await?;
        for _ in 0..1000.min(products - written) {
            let name: Vec<String> = (0..3).map(|_| random.word()).collect();
            let description: Vec<String> = (0..12).map(|_| random.word()).collect();
            let tags: Vec<String> = (0..2).map(|_| random.word()).collect();
            let product = catalog::store::Product {
                id: Uuid::now_v7(),
                kind: catalog::domain::product::Kind::Item,
                name: name.join(" "),
                description: description.join(" "),
                category_id: leaves[(random.next() % leaves.len() as u64) as usize],
                price: contracts::money::Money {
                    amount: (random.next() % 20_000) as i64 + 100,
                    currency: "EUR".into(),
                },
                stock: (random.next() % 20) as i64,
                images: Vec::new(),
                tags,
                attributes: json!({}),
                author: None,
                pet_status: None,
                status: catalog::store::ProductStatus::Active,
                seller_id: None,
                rating_count: 0,
                rating_sum: 0,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            catalog::store::insert_product(&mut *transaction, &product).await?;
            written += 1;
        }
        transaction.commit().await?;
    }
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE products")
            .execute(state.database.pool())
            .await?;
    }
    println!(
        "== {backend:?}: {products} products inserted in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let common = word(3);
    let rare = word(3000);
    let scenarios = [
        (
            "text search, a common word (relevance, page of 20)",
            format!("q={common}"),
        ),
        (
            "text search, a rare word (relevance, page of 20)",
            format!("q={rare}"),
        ),
        (
            "text search, two words",
            format!("q={common}%20{}", word(5)),
        ),
        (
            "filtered page: category with descendants, price range, in stock, by price",
            format!(
                "category={}&min_price=1000&max_price=5000&in_stock=true&sort=price_asc",
                tops[1]
            ),
        ),
        (
            "filtered page with text: category and a common word, by price",
            format!("category={}&q={common}&sort=price_asc", tops[2]),
        ),
        ("newest first, no filter", "sort=newest".to_owned()),
    ];
    for (what, query) in scenarios {
        let mut samples = Vec::with_capacity(requests);
        let mut found = 0;
        for _ in 0..requests {
            let started = Instant::now();
            let page: serde_json::Value = client
                .get(format!("{base}/products?{query}"))
                .send()
                .await?
                .json()
                .await?;
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
            found = page["items"].as_array().map_or(0, Vec::len);
        }
        let (p50, p99) = percentiles(samples);
        println!("{what}: p50 {p50:.2} ms, p99 {p99:.2} ms ({found} items per page; ?{query})");
    }
    Ok(())
}

//! Shoppers, as the reference shop's load test plays them: browse a product (weight 10), view
//! the cart (3), add to the cart (2), the home page (1), check out (1). Against one base URL:
//! the embedded shop or the gateway. Run by `bench/journey`.
//!
//! Two ways to load:
//! - closed loop (`--users N`, the default): N shoppers, each doing a step, then thinking for
//!   `--think-ms` (0.5 to 1.5 times, at random), then the next;
//! - open loop (`--rate R`): R steps a second start on a fixed schedule, whatever the shop's
//!   answers, each as a random shopper of the N; a step's latency counts from when it was due,
//!   not from when it was sent, so a slow shop cannot hide its slowness by delaying the load
//!   (no coordinated omission).
//!
//! Prints progress every second to stderr, then per step: count, errors, p50, p90, p99, max.
//! The administrator in `ADMIN_EMAIL` / `ADMIN_PASSWORD` makes the run's books, delivery option
//! and customers first.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::mpsc;

#[path = "support/shop.rs"]
mod shop;

use shop::{Result, Shop, Urls, checkout_body, percentile};

#[derive(Parser)]
#[command(about = "Shoppers against a Tienda shop, per step latency")]
struct Options {
    /// The shop's base URL (embedded, or the gateway).
    base: String,
    /// Shoppers (each a registered customer), at least 1.
    #[arg(long, default_value_t = 16, value_parser = at_least_one)]
    users: usize,
    /// Steps per second on a fixed schedule (open loop); without it, closed loop.
    #[arg(long, value_parser = positive_rate)]
    rate: Option<f64>,
    /// How long to run.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// A shopper's mean pause between steps in the closed loop.
    #[arg(long, default_value_t = 100)]
    think_ms: u64,
    /// Books made for the run, at least 1.
    #[arg(long, default_value_t = 50, value_parser = at_least_one)]
    products: usize,
}

fn at_least_one(text: &str) -> std::result::Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("a whole number of at least 1".to_owned()),
    }
}

fn positive_rate(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err("a number of steps per second above 0".to_owned()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Browse,
    ViewCart,
    AddToCart,
    Home,
    Checkout,
}

impl Step {
    const WEIGHTED: [(Step, u32); 5] = [
        (Step::Browse, 10),
        (Step::ViewCart, 3),
        (Step::AddToCart, 2),
        (Step::Home, 1),
        (Step::Checkout, 1),
    ];

    fn pick(rng: &mut impl Rng) -> Step {
        let total: u32 = Self::WEIGHTED.iter().map(|(_, weight)| weight).sum();
        let mut ticket = rng.gen_range(0..total);
        for (step, weight) in Self::WEIGHTED {
            if ticket < weight {
                return step;
            }
            ticket -= weight;
        }
        Step::Browse
    }

    fn name(self) -> &'static str {
        match self {
            Step::Browse => "browse a product",
            Step::ViewCart => "view the cart",
            Step::AddToCart => "add to the cart",
            Step::Home => "the home page",
            Step::Checkout => "check out",
        }
    }
}

/// One step's answer: which, how long from when it was due, its status (0: no answer), and how
/// late the generator itself started it (open loop; tokio's timer has millisecond steps).
struct Sample {
    step: Step,
    latency: Duration,
    status: u16,
    lag: Duration,
}

struct Shopper {
    client: reqwest::Client,
    base: String,
    shop: Arc<Shop>,
}

impl Shopper {
    /// Runs `step` as customer `user`; the status of its last request, 0 when none answered.
    async fn run(&self, step: Step, user: usize, product: usize) -> u16 {
        let token = &self.shop.tokens[user];
        let product = &self.shop.products[product];
        let base = &self.base;
        let request = match step {
            Step::Browse => self
                .client
                .get(format!("{base}/api/catalog/products/{}", id(product))),
            Step::ViewCart => self
                .client
                .get(format!("{base}/api/orders/cart"))
                .bearer_auth(token),
            Step::AddToCart => self.add(token, product),
            Step::Home => self.client.get(format!("{base}/")),
            Step::Checkout => {
                // A checkout needs something to pay: the shopper adds a book first (not timed
                // apart: the step is both requests, as a shopper sees it).
                let added = status(self.add(token, product).send().await).await;
                if !(200..300).contains(&added) {
                    return added;
                }
                self.client
                    .post(format!("{base}/api/orders/checkout"))
                    .bearer_auth(token)
                    .header("idempotency-key", uuid::Uuid::now_v7().to_string())
                    .json(&checkout_body(&self.shop.delivery_option))
            }
        };
        status(request.send().await).await
    }

    fn add(&self, token: &str, product: &Value) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}/api/orders/cart/items", self.base))
            .bearer_auth(token)
            .json(&json!({"product_id": product, "quantity": 1}))
    }
}

/// A product id as the shop gave it (a JSON string), for a path.
fn id(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The status, after reading the body (so the connection can be used again).
async fn status(answer: reqwest::Result<reqwest::Response>) -> u16 {
    match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            status
        }
        Err(_) => 0,
    }
}

/// Closed loop: each shopper steps, thinks, steps again until the end.
fn closed_loop(
    shopper: Arc<Shopper>,
    options: &Options,
    deadline: Instant,
    samples: &mpsc::UnboundedSender<Sample>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..options.users)
        .map(|user| {
            let shopper = shopper.clone();
            let samples = samples.clone();
            let think = options.think_ms;
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let (step, product, pause) = {
                        let mut rng = rand::thread_rng();
                        let pause = rng.gen_range(think / 2..=think + think / 2);
                        let product = rng.gen_range(0..shopper.shop.products.len());
                        (Step::pick(&mut rng), product, pause)
                    };
                    let began = Instant::now();
                    let status = shopper.run(step, user, product).await;
                    let latency = began.elapsed();
                    let _ = samples.send(Sample {
                        step,
                        latency,
                        status,
                        lag: Duration::ZERO,
                    });
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            })
        })
        .collect()
}

/// Open loop: a step starts every 1/rate seconds on a fixed schedule; each one's latency counts
/// from its scheduled start.
async fn open_loop(
    shopper: Arc<Shopper>,
    users: usize,
    rate: f64,
    deadline: Instant,
    samples: &mpsc::UnboundedSender<Sample>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for n in 0u32.. {
        let due = start + interval * n;
        if due >= deadline {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        let (step, user, product) = {
            let mut rng = rand::thread_rng();
            (
                Step::pick(&mut rng),
                rng.gen_range(0..users),
                rng.gen_range(0..shopper.shop.products.len()),
            )
        };
        let shopper = shopper.clone();
        let samples = samples.clone();
        tasks.push(tokio::spawn(async move {
            let lag = due.elapsed();
            let status = shopper.run(step, user, product).await;
            let _ = samples.send(Sample {
                step,
                latency: due.elapsed(),
                status,
                lag,
            });
        }));
    }
    tasks
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: BTreeMap<u16, u64>,
}

/// Gathers the samples, printing progress every second; answers them by step, and the
/// generator's own lags, when the senders are gone.
async fn collect(
    mut samples: mpsc::UnboundedReceiver<Sample>,
) -> (BTreeMap<Step, Tally>, Vec<Duration>) {
    let mut by_step: BTreeMap<Step, Tally> = BTreeMap::new();
    let mut lags = Vec::new();
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.tick().await;
    let (mut last_count, mut count, mut errors) = (0u64, 0u64, 0u64);
    loop {
        tokio::select! {
            sample = samples.recv() => {
                let Some(sample) = sample else { break };
                let tally = by_step.entry(sample.step).or_default();
                lags.push(sample.lag);
                count += 1;
                if (200..300).contains(&sample.status) {
                    tally.latencies.push(sample.latency);
                } else {
                    errors += 1;
                    *tally.errors.entry(sample.status).or_default() += 1;
                }
            }
            _ = ticker.tick() => {
                eprintln!(
                    "{:>4.0} s  {count} steps ({}/s now), {errors} errors",
                    started.elapsed().as_secs_f64(),
                    count - last_count
                );
                last_count = count;
            }
        }
    }
    (by_step, lags)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = Options::parse();
    let base = options.base.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.users * 2)
        .timeout(Duration::from_secs(30))
        .build()?;
    let urls = Urls {
        identity: base.clone(),
        catalog: base.clone(),
        orders: base.clone(),
    };
    let shop = Shop::set_up(&client, &urls, options.products, options.users).await?;
    let mode = match options.rate {
        Some(rate) => format!("open loop, {rate} steps/s"),
        None => format!("closed loop, think {} ms", options.think_ms),
    };
    eprintln!(
        "set up: {} products, {} shoppers; {mode}; running {} s",
        options.products, options.users, options.seconds
    );
    let shopper = Arc::new(Shopper {
        client,
        base,
        shop: Arc::new(shop),
    });
    let (sender, receiver) = mpsc::unbounded_channel();
    let collector = tokio::spawn(collect(receiver));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let tasks = match options.rate {
        Some(rate) => open_loop(shopper, options.users, rate, deadline, &sender).await,
        None => closed_loop(shopper, &options, deadline, &sender),
    };
    drop(sender);
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (by_step, mut lags) = collector.await?;

    println!("{mode}, {} shoppers, {elapsed:.1} s", options.users);
    println!();
    println!("| Step | Count | Per second | Errors | p50 | p90 | p99 | max |");
    println!("|---|---|---|---|---|---|---|---|");
    for (step, mut tally) in by_step {
        tally.latencies.sort();
        let errors: u64 = tally.errors.values().sum();
        let count = tally.latencies.len() as u64 + errors;
        let statuses: Vec<String> = tally
            .errors
            .iter()
            .map(|(status, n)| format!("{n}× {status}"))
            .collect();
        println!(
            "| {} | {count} | {:.1} | {errors}{} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            step.name(),
            count as f64 / elapsed,
            if statuses.is_empty() {
                String::new()
            } else {
                format!(" ({})", statuses.join(", "))
            },
            percentile(&tally.latencies, 0.50),
            percentile(&tally.latencies, 0.90),
            percentile(&tally.latencies, 0.99),
            percentile(&tally.latencies, 1.0),
        );
    }
    if options.rate.is_some() {
        lags.sort();
        println!();
        println!(
            "The generator's own lag (a step's start after its due time, counted in the figures \
             above): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms.",
            percentile(&lags, 0.50),
            percentile(&lags, 0.99),
            percentile(&lags, 1.0),
        );
    }
    Ok(())
}

//! Benchmark of the event backbone (docs/benchmarks.md): relay throughput and end-to-end
//! latency, from the commit of a change to the commit of its effect in the consumer.
//!
//! Two services on their own databases, as in production: PostgreSQL and RabbitMQ
//! (`TIENDA_TEST_DATABASE_URL`, `TIENDA_TEST_AMQP_URL`), or with `--memory` SQLite files and the
//! in-memory bus. Run through `bench/events.sh`.
//!
//! 1. Throughput: `EVENTS` events (default 10000) are written with the relay stopped (100 per
//!    transaction), then the relay and the consumer start; measured until the outbox is empty
//!    (published and confirmed) and until every event is handled.
//! 2. Latency: one event per transaction at `RATE` per second (default 200) for `SECONDS`
//!    (default 10); each handler records how long after its commit the event was handled.

use std::sync::Arc;
use std::time::{Duration, Instant};

use contracts::events::Event;
use platform::db::{Backend, Database, Migrations};
use platform::events::amqp::AmqpTransport;
use platform::events::{Bus, EventMetrics, Events, EventsConfig, Handlers, Tx};
use platform::http::HttpMetrics;
use platform::testing::TestDatabase;
use platform::testing::events::{amqp_url, delete_topology, isolated_amqp_config, run_tasks};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Ticked {
    n: i64,
    written_at_us: i64,
}

impl Event for Ticked {
    const TYPE: &'static str = "tienda.bench.ticked.v1";
    fn subject(&self) -> String {
        format!("s{}", self.n % 64)
    }
}

fn now_us() -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
    i64::try_from(now).unwrap_or(i64::MAX)
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn database(backend: Backend) -> anyhow::Result<(TestDatabase, Database)> {
    let test_database = TestDatabase::new(backend).await;
    let database = Database::connect(&test_database.config).await?;
    database.migrate(&Migrations::NONE).await?;
    sqlx::query("CREATE TABLE received (n BIGINT NOT NULL, latency_us BIGINT NOT NULL)")
        .execute(database.pool())
        .await?;
    Ok((test_database, database))
}

async fn record(event: Ticked, transaction: &mut Tx) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO received (n, latency_us) VALUES ($1, $2)")
        .bind(event.n)
        .bind(now_us() - event.written_at_us)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

async fn count(database: &Database) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM received")
        .fetch_one(database.pool())
        .await?)
}

async fn write(events: &Events, database: &Database, from: i64, count: i64) -> anyhow::Result<()> {
    let mut transaction = database.begin().await?;
    for n in from..from + count {
        let event = Ticked {
            n,
            written_at_us: now_us(),
        };
        events.publish(&mut transaction, &event).await?;
    }
    events.commit(transaction).await?;
    Ok(())
}

async fn wait_until(
    what: &str,
    mut done: impl AsyncFnMut() -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    while !done().await? {
        anyhow::ensure!(
            Instant::now() < deadline,
            "{what}: gave up after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

fn percentile(sorted: &[i64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let memory = std::env::args().any(|arg| arg == "--memory");
    let total = i64::try_from(setting("EVENTS", 10_000))?;
    let rate = setting("RATE", 200);
    let seconds = setting("SECONDS", 10);
    let backend = if memory {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    let (_publisher_test_db, publisher_db) = database(backend).await?;
    let (_consumer_test_db, consumer_db) = database(backend).await?;
    let metrics = EventMetrics::new(&HttpMetrics::new());
    let config = EventsConfig::default();
    let (bus, amqp) = if memory {
        (Bus::in_memory(config, metrics), None)
    } else {
        let url = amqp_url();
        let amqp = platform::events::amqp::AmqpConfig {
            topology: vec![("consumer".into(), vec![Ticked::TYPE.into()])],
            queue_expiry: None,
            ..isolated_amqp_config(&url)
        };
        let transport = Arc::new(AmqpTransport::new(amqp.clone()));
        (Bus::new(transport, config, metrics), Some(amqp))
    };
    let publisher = Events::new("publisher", publisher_db.clone(), &bus);
    let consumer = Events::new("consumer", consumer_db.clone(), &bus);
    let handlers =
        Handlers::new().on::<Ticked, _>(|event, transaction| Box::pin(record(event, transaction)));
    println!(
        "== {} ({} cores)",
        if memory {
            "SQLite + in-memory bus"
        } else {
            "PostgreSQL + RabbitMQ"
        },
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );

    // 1. Throughput: a backlog, then the relay and the consumer.
    for from in (0..total).step_by(100) {
        write(&publisher, &publisher_db, from, 100.min(total - from)).await?;
    }
    let started = Instant::now();
    let _consumer = run_tasks(consumer.tasks(handlers)).drop_guard();
    let _publisher = run_tasks(publisher.tasks(Handlers::new())).drop_guard();
    wait_until("the relay", async || {
        Ok(platform::events::outbox::pending(&publisher_db).await? == 0)
    })
    .await?;
    let relayed = started.elapsed();
    wait_until("the consumer", async || {
        Ok(count(&consumer_db).await? >= total)
    })
    .await?;
    let handled = started.elapsed();
    println!(
        "throughput: {total} events relayed (published and confirmed) in {:.2} s = {:.0} events/s; \
         all handled by the consumer in {:.2} s = {:.0} events/s",
        relayed.as_secs_f64(),
        total as f64 / relayed.as_secs_f64(),
        handled.as_secs_f64(),
        total as f64 / handled.as_secs_f64()
    );
    sqlx::query("DELETE FROM received")
        .execute(consumer_db.pool())
        .await?;

    // 2. Latency at a steady rate, one event per transaction.
    let sent = i64::try_from(rate * seconds)?;
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    for n in 0..sent {
        ticks.tick().await;
        write(&publisher, &publisher_db, total + n, 1).await?;
    }
    wait_until("the latency run", async || {
        Ok(count(&consumer_db).await? >= sent)
    })
    .await?;
    let mut latencies: Vec<i64> = sqlx::query_scalar("SELECT latency_us FROM received")
        .fetch_all(consumer_db.pool())
        .await?;
    latencies.sort_unstable();
    println!(
        "latency at {rate} events/s for {seconds} s ({sent} events), commit to handled: \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    if let Some(amqp) = amqp {
        delete_topology(&amqp, &["consumer"]).await;
    }
    Ok(())
}

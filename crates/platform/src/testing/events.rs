//! Events in tests: an in-memory bus, what a service wrote to its outbox, and a RabbitMQ (the
//! server of `TIENDA_TEST_AMQP_URL`, a topology of names no other test uses, and a proxy in front
//! of it that a test can cut to take the broker away and restore to bring it back).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use contracts::events::Event;
use tokio_util::sync::CancellationToken;
pub use tokio_util::sync::DropGuard;

use super::TestDatabase;
use crate::db::{Backend, Database, DatabaseConfig, Migrations};
use crate::events::amqp::AmqpConfig;
use crate::events::{Bus, Envelope, EventMetrics, Events, EventsConfig, Handlers};
use crate::http::HttpMetrics;
use crate::{App, BackgroundTask};

/// Runs `tasks` until the returned token is cancelled (or the test's runtime ends).
pub fn run_tasks(tasks: Vec<BackgroundTask>) -> CancellationToken {
    let cancel = CancellationToken::new();
    for task in tasks {
        tokio::spawn(task(cancel.clone()));
    }
    cancel
}

/// Another service's end of a bus, on its own SQLite database, with its relay running: it
/// publishes events for the service under test to consume, as identity or customers would.
pub struct TestPublisher {
    events: Events,
    database: Database,
    cancel: CancellationToken,
    _database: TestDatabase,
}

impl TestPublisher {
    /// A publisher named `service` on `bus`.
    ///
    /// # Panics
    /// When its database cannot be made.
    pub async fn start(service: &'static str, bus: &Bus) -> Self {
        let test_database = TestDatabase::new(Backend::Sqlite).await;
        let database = match Database::connect(&test_database.config).await {
            Ok(database) => database,
            Err(error) => panic!("cannot open the publisher's database: {error:#}"),
        };
        let no_tables = Migrations::NONE;
        if let Err(error) = database.migrate(&no_tables).await {
            panic!("cannot make the publisher's outbox: {error:#}");
        }
        let events = Events::new(service, database.clone(), bus);
        let cancel = run_tasks(events.tasks(Handlers::new()));
        Self {
            events,
            database,
            cancel,
            _database: test_database,
        }
    }

    /// Publishes `event` through the outbox, as a change of this service would.
    ///
    /// # Panics
    /// When it cannot.
    pub async fn publish<E: Event>(&self, event: &E) {
        let written = async {
            let mut transaction = self.database.begin().await?;
            self.events.publish(&mut transaction, event).await?;
            self.events.commit(transaction).await
        };
        if let Err(error) = written.await {
            panic!("cannot publish: {error}");
        }
    }
}

impl Drop for TestPublisher {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Serves `app` on a fresh port and runs its background tasks (relays, consumers, timers) until
/// the returned guard is dropped.
pub async fn spawn_app_with_tasks(app: App) -> (std::net::SocketAddr, DropGuard) {
    let router = app.router();
    let cancel = run_tasks(app.into_tasks());
    (super::spawn_router(router).await, cancel.drop_guard())
}

/// Waits (a liveness bound of a minute, not a speed target) until `probe` answers `Some`.
///
/// # Panics
/// When it never does.
pub async fn eventually<T, F, Fut>(what: &str, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..600 {
        if let Some(found) = probe().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: did not happen within a minute");
}

/// An in-memory bus with default settings and its own metrics.
pub fn memory_bus() -> Bus {
    Bus::in_memory(
        EventsConfig::default(),
        EventMetrics::new(&HttpMetrics::new()),
    )
}

/// Every event a service wrote to the outbox of the database at `config`, oldest first.
///
/// # Panics
/// When the database cannot be read.
pub async fn published_events(config: &DatabaseConfig) -> Vec<Envelope> {
    let database = match Database::connect(config).await {
        Ok(database) => database,
        Err(error) => panic!("cannot open the service database: {error:#}"),
    };
    let stored: Vec<String> =
        match sqlx::query_scalar("SELECT envelope FROM event_outbox ORDER BY seq")
            .fetch_all(database.pool())
            .await
        {
            Ok(stored) => stored,
            Err(error) => panic!("cannot read the outbox: {error}"),
        };
    database.close().await;
    stored
        .iter()
        .map(|json| match Envelope::from_json(json.as_bytes()) {
            Ok(envelope) => envelope,
            Err(error) => panic!("an unreadable outbox row: {error:#}"),
        })
        .collect()
}

/// The environment variable naming a RabbitMQ server for tests.
pub const AMQP_URL_VAR: &str = "TIENDA_TEST_AMQP_URL";

/// The test broker's URL.
///
/// # Panics
/// When RabbitMQ is not configured: the test needs it and was asked to run.
pub fn amqp_url() -> String {
    super::server_url(AMQP_URL_VAR)
}

/// A configuration for `url` whose exchange and queues are this test's alone, and that the
/// broker deletes a minute after the test stops using them.
pub fn isolated_amqp_config(url: &str) -> AmqpConfig {
    let unique = format!("test.{}", uuid::Uuid::now_v7().simple());
    AmqpConfig {
        exchange: format!("{unique}.events"),
        queue_prefix: unique,
        queue_expiry: Some(Duration::from_secs(60)),
        connect_timeout: Duration::from_secs(2),
        ..AmqpConfig::new(url)
    }
}

/// A TCP proxy to a server, which a test can cut (every connection dropped, new ones refused)
/// and restore.
pub struct TcpProxy {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
}

impl TcpProxy {
    /// A proxy on a fresh local port to `target` (`host:port`).
    ///
    /// # Panics
    /// When no local port can be bound.
    pub async fn start(target: String) -> Self {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(error) => panic!("cannot bind a proxy port: {error}"),
        };
        let address = match listener.local_addr() {
            Ok(address) => address,
            Err(error) => panic!("no proxy address: {error}"),
        };
        let open = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let accepting = open.clone();
        let cut_signal = cuts.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let mut cut = cut_signal.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {},
                        _ = cut.changed() => {},
                    }
                });
            }
        });
        Self {
            address,
            open,
            cuts,
        }
    }

    /// The proxy's `host:port`.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Drops every connection through the proxy and refuses new ones.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|count| *count += 1);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// `url` with its host and port replaced by `address` (to go through a [`TcpProxy`]).
///
/// # Panics
/// When `url` is not a URL.
pub fn via(url: &str, address: SocketAddr) -> String {
    let mut url = match url::Url::parse(url) {
        Ok(url) => url,
        Err(error) => panic!("bad URL {url}: {error}"),
    };
    let moved = url.set_ip_host(address.ip()).is_ok() && url.set_port(Some(address.port())).is_ok();
    assert!(moved, "cannot point {url} at the proxy");
    url.to_string()
}

/// The `host:port` a URL names.
///
/// # Panics
/// When `url` names no host.
pub fn host_and_port(url: &str) -> String {
    let url = match url::Url::parse(url) {
        Ok(url) => url,
        Err(error) => panic!("bad URL {url}: {error}"),
    };
    format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port_or_known_default().unwrap_or(5672)
    )
}

/// Deletes a test's RabbitMQ topology: the queues of `services`, the dead-letter queue and both
/// exchanges. Best effort: a test that cannot clean up does not fail for it.
pub async fn delete_topology(config: &AmqpConfig, services: &[&str]) {
    use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
    use secrecy::ExposeSecret;
    let Ok(connection) = lapin::Connection::connect(
        config.url.expose_secret(),
        lapin::ConnectionProperties::default(),
    )
    .await
    else {
        return;
    };
    let Ok(channel) = connection.create_channel().await else {
        return;
    };
    let mut queues: Vec<String> = services
        .iter()
        .map(|service| config.queue(service))
        .collect();
    queues.push(config.dead_letter_queue());
    for queue in queues {
        let _ = channel
            .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
            .await;
    }
    for exchange in [config.exchange.clone(), config.dead_letter_exchange()] {
        let _ = channel
            .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
            .await;
    }
    let _ = connection.close(200, "cleaned up".into()).await;
}

//! The event backbone against real components: SQLite with the in-memory transport (the
//! embedded mode) and PostgreSQL with the local RabbitMQ (the distributed mode). A publishing
//! service and a consuming service, each on its own database, with a handler whose effect is a
//! row per event.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use contracts::events::Event;
use futures::future::BoxFuture;
use platform::db::{Backend, Database};
use platform::events::amqp::{AmqpConfig, AmqpTransport};
use platform::events::{
    Bus, Envelope, EventMetrics, Events, EventsConfig, Handlers, Published, Transport, Tx,
    dead_letters, replay,
};
use platform::http::HttpMetrics;
use platform::testing::TestDatabase;
use platform::testing::events::{TcpProxy, amqp_url, host_and_port, isolated_amqp_config, via};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use tokio_util::sync::CancellationToken;

/// The event the tests publish: a value about a subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Counted {
    subject: String,
    value: i64,
}

impl Event for Counted {
    const TYPE: &'static str = "tienda.test.counted.v1";
    fn subject(&self) -> String {
        self.subject.clone()
    }
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// SQLite and the in-memory transport.
    Memory,
    /// PostgreSQL and RabbitMQ.
    Amqp,
}

macro_rules! mode_test {
    (async fn $name:ident($mode:ident) $body:block) => {
        mod $name {
            use super::*;

            async fn run($mode: Mode) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                run(Mode::Memory).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL and RabbitMQ: set TIENDA_TEST_DATABASE_URL and TIENDA_TEST_AMQP_URL and pass --include-ignored"]
            async fn amqp() {
                run(Mode::Amqp).await;
            }
        }
    };
}

fn config() -> EventsConfig {
    EventsConfig {
        poll_interval: Duration::from_millis(100),
        max_attempts: 3,
        // Long enough that the events behind a retried one have arrived when it is retried.
        retry_delay: Duration::from_millis(300),
        max_retry_delay: Duration::from_millis(600),
        ..EventsConfig::default()
    }
}

/// What the consumer's handler does with a value.
#[derive(Clone, Default)]
struct Behaviour {
    /// Values that fail every attempt until the consumer's `repaired` table has a row.
    poison_below_zero: bool,
    /// A value whose first attempt fails (once).
    fail_once: Option<i64>,
    /// A value whose handler writes its effect and then fails, every attempt.
    fail_after_writing: Option<i64>,
    failed: Arc<AtomicUsize>,
}

fn handlers(behaviour: Behaviour) -> Handlers {
    Handlers::new().on::<Counted, _>(move |event, transaction| {
        let behaviour = behaviour.clone();
        Box::pin(record_effect(behaviour, event, transaction))
    })
}

async fn record_effect(
    behaviour: Behaviour,
    event: Counted,
    transaction: &mut Tx,
) -> anyhow::Result<()> {
    if behaviour.poison_below_zero && event.value < 0 {
        let repaired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM repaired")
            .fetch_one(&mut **transaction)
            .await?;
        anyhow::ensure!(repaired > 0, "poison value {}", event.value);
    }
    if behaviour.fail_once == Some(event.value)
        && behaviour.failed.fetch_add(1, Ordering::SeqCst) == 0
    {
        anyhow::bail!("a passing failure");
    }
    sqlx::query("INSERT INTO effects (subject, value) VALUES ($1, $2)")
        .bind(&event.subject)
        .bind(event.value)
        .execute(&mut **transaction)
        .await?;
    anyhow::ensure!(
        behaviour.fail_after_writing != Some(event.value),
        "failed after writing {}",
        event.value
    );
    Ok(())
}

/// A publishing service and a consuming service on their own databases, and one bus.
struct Fixture {
    publisher: Events,
    publisher_db: Database,
    consumer: Events,
    consumer_db: Database,
    bus: Bus,
    cancel: CancellationToken,
    proxy: Option<TcpProxy>,
    _databases: Vec<TestDatabase>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn database(mode: Mode) -> (TestDatabase, Database) {
    let backend = match mode {
        Mode::Memory => Backend::Sqlite,
        Mode::Amqp => Backend::Postgres,
    };
    let test_database = TestDatabase::new(backend).await;
    let database = match Database::connect(&test_database.config).await {
        Ok(database) => database,
        Err(error) => panic!("cannot open the test database: {error:#}"),
    };
    let migrations = platform::db::Migrations {
        shared: sqlx::migrate::Migrator::DEFAULT,
        sqlite: sqlx::migrate!("tests/migrations/sqlite"),
        postgres: sqlx::migrate!("tests/migrations/postgres"),
    };
    if let Err(error) = database.migrate(&migrations).await {
        panic!("migrations failed: {error:#}");
    }
    (test_database, database)
}

/// The bus of `mode`; in AMQP mode through a proxy the test can cut.
async fn bus(mode: Mode, config: EventsConfig) -> (Bus, Option<TcpProxy>, Option<AmqpConfig>) {
    let metrics = EventMetrics::new(&HttpMetrics::new());
    match mode {
        Mode::Memory => (Bus::in_memory(config, metrics), None, None),
        Mode::Amqp => {
            let url = amqp_url();
            let proxy = TcpProxy::start(host_and_port(&url)).await;
            let amqp = AmqpConfig {
                topology: vec![("consumer".into(), vec![Counted::TYPE.into()])],
                ..isolated_amqp_config(&via(&url, proxy.address()))
            };
            let transport = Arc::new(AmqpTransport::new(amqp.clone()));
            (
                Bus::new(transport, config, metrics),
                Some(proxy),
                Some(amqp),
            )
        }
    }
}

impl Fixture {
    /// Both services, their tasks not yet started.
    async fn new(mode: Mode) -> Self {
        let (publisher_test_db, publisher_db) = database(mode).await;
        let (consumer_test_db, consumer_db) = database(mode).await;
        let (bus, proxy, _) = bus(mode, config()).await;
        Self {
            publisher: Events::new("publisher", publisher_db.clone(), &bus),
            publisher_db,
            consumer: Events::new("consumer", consumer_db.clone(), &bus),
            consumer_db,
            bus,
            cancel: CancellationToken::new(),
            proxy,
            _databases: vec![publisher_test_db, consumer_test_db],
        }
    }

    /// Starts the consumer with `behaviour`, then the relay of the publisher. In that order: the
    /// in-memory transport delivers only to inboxes subscribed when it publishes (the embedded
    /// app subscribes every service while building, before any relay runs).
    fn start(&self, behaviour: Behaviour) {
        self.start_consumer(behaviour);
        self.start_publisher();
    }

    fn start_publisher(&self) {
        for task in self.publisher.tasks(Handlers::new()) {
            tokio::spawn(task(self.cancel.clone()));
        }
    }

    fn start_consumer(&self, behaviour: Behaviour) {
        for task in self.consumer.tasks(handlers(behaviour)) {
            tokio::spawn(task(self.cancel.clone()));
        }
    }

    /// A change in the publisher and its event, in one transaction.
    async fn change(&self, subject: &str, value: i64) -> anyhow::Result<()> {
        let mut transaction = self.publisher_db.begin().await?;
        sqlx::query("INSERT INTO things (subject, value) VALUES ($1, $2)")
            .bind(subject)
            .bind(value)
            .execute(&mut *transaction)
            .await?;
        self.publisher
            .publish(
                &mut transaction,
                &Counted {
                    subject: subject.into(),
                    value,
                },
            )
            .await?;
        self.publisher.commit(transaction).await?;
        Ok(())
    }

    async fn effects(&self) -> Vec<(String, i64)> {
        let rows = sqlx::query("SELECT subject, value FROM effects ORDER BY n")
            .fetch_all(self.consumer_db.pool())
            .await;
        match rows {
            Ok(rows) => rows
                .iter()
                .map(|row| (row.get::<String, _>("subject"), row.get::<i64, _>("value")))
                .collect(),
            Err(error) => panic!("cannot read effects: {error}"),
        }
    }

    /// Waits (up to a minute: a liveness bound, not a speed target) until `done` holds.
    async fn wait_for(
        &self,
        what: &str,
        done: impl Fn(&[(String, i64)]) -> bool,
    ) -> Vec<(String, i64)> {
        for _ in 0..600 {
            let effects = self.effects().await;
            if done(&effects) {
                return effects;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what}: not reached; effects: {:?}", self.effects().await);
    }

    /// The consumer's dead letters, once there is one (or after 10 s, none).
    async fn dead_letters_once_any(&self) -> Vec<platform::events::DeadLetter> {
        for _ in 0..100 {
            let dead = dead_letters(self.consumer_db.pool())
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
            if !dead.is_empty() {
                return dead;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Vec::new()
    }

    async fn pending_in_outbox(&self) -> i64 {
        match platform::events::outbox::pending(&self.publisher_db).await {
            Ok(pending) => pending,
            Err(error) => panic!("{error:#}"),
        }
    }
}

fn counted_values(effects: &[(String, i64)], value: i64) -> usize {
    effects.iter().filter(|(_, v)| *v == value).count()
}

mode_test! {
    async fn a_change_committed_before_a_crash_is_delivered_after_restart_and_a_rollback_publishes_nothing(mode) {
        let fixture = Fixture::new(mode).await;
        // The process "crashes" after committing: no relay ran.
        fixture.change("a", 1).await.unwrap_or_else(|e| panic!("{e:#}"));
        let mut rolled_back = fixture.publisher_db.begin().await.unwrap_or_else(|e| panic!("{e}"));
        fixture
            .publisher
            .publish(&mut rolled_back, &Counted { subject: "a".into(), value: 2 })
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        rolled_back.rollback().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fixture.pending_in_outbox().await, 1);
        // The restarted process relays what the crashed one left, then a later change of the
        // same subject: once that has arrived, whatever was published before it has too.
        fixture.start(Behaviour::default());
        fixture.change("a", 3).await.unwrap_or_else(|e| panic!("{e:#}"));
        let effects = fixture.wait_for("the later change", |e| counted_values(e, 3) == 1).await;
        assert_eq!(effects, vec![("a".to_string(), 1), ("a".to_string(), 3)], "the rolled-back event was published");
        assert_eq!(fixture.pending_in_outbox().await, 0);
    }
}

/// A transport that publishes for real but, once, loses the confirms: as if the process died
/// after publishing and before marking the events sent.
struct LosesConfirmsOnce {
    inner: Arc<dyn Transport>,
    lost: AtomicUsize,
}

impl Transport for LosesConfirmsOnce {
    fn name(&self) -> &'static str {
        "loses-confirms-once"
    }

    fn publish<'a>(&'a self, events: &'a [Envelope]) -> BoxFuture<'a, Published> {
        Box::pin(async move {
            let published = self.inner.publish(events).await;
            if self.lost.fetch_add(1, Ordering::SeqCst) == 0 {
                Published {
                    confirmed: 0,
                    error: Some(anyhow::anyhow!("crashed before marking")),
                }
            } else {
                published
            }
        })
    }

    fn subscribe(&self, inbox: platform::events::Inbox) -> Option<platform::BackgroundTask> {
        self.inner.subscribe(inbox)
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        self.inner.check()
    }
}

mode_test! {
    async fn events_published_again_after_a_crash_before_marking_have_their_effect_once(mode) {
        let plain = Fixture::new(mode).await;
        let faulty = Bus::new(
            Arc::new(LosesConfirmsOnce { inner: plain.bus.transport().clone(), lost: AtomicUsize::new(0) }),
            config(),
            EventMetrics::new(&HttpMetrics::new()),
        );
        let publisher = Events::new("publisher", plain.publisher_db.clone(), &faulty);
        plain.start_consumer(Behaviour::default());
        for value in 0..10 {
            plain.change("s", value).await.unwrap_or_else(|e| panic!("{e:#}"));
        }
        assert!(publisher.relay_once().await.is_err(), "the first relay must lose its confirms");
        assert_eq!(plain.pending_in_outbox().await, 10);
        publisher.relay_once().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(plain.pending_in_outbox().await, 0);
        // A later change of the same subject is delivered behind the second copies: once it has
        // its effect, they have been handled (or dropped) too.
        plain.change("s", 10).await.unwrap_or_else(|e| panic!("{e:#}"));
        publisher.relay_once().await.unwrap_or_else(|e| panic!("{e:#}"));
        let effects = plain.wait_for("the later change", |e| counted_values(e, 10) == 1).await;
        let values: Vec<i64> = effects.iter().map(|(_, v)| *v).collect();
        assert_eq!(values, (0..=10).collect::<Vec<_>>(), "an event had its effect twice");
    }
}

mode_test! {
    async fn the_same_event_delivered_three_times_has_its_effect_once(mode) {
        let fixture = Fixture::new(mode).await;
        fixture.start_consumer(Behaviour::default());
        let envelope = Envelope::wrap("publisher", &Counted { subject: "x".into(), value: 7 }, None)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let later = Envelope::wrap("publisher", &Counted { subject: "x".into(), value: 8 }, None)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let thrice = [envelope.clone(), envelope.clone(), envelope, later];
        // Subscriptions (AMQP) come up in the background: publish until the consumer has it.
        let mut published = fixture.bus.transport().publish(&thrice).await;
        for _ in 0..50 {
            if published.error.is_none() && published.confirmed == thrice.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            published = fixture.bus.transport().publish(&thrice).await;
        }
        assert!(published.error.is_none(), "{:?}", published.error);
        // The later event is handled after the three copies (one subject, in order).
        let effects = fixture.wait_for("the later event", |e| counted_values(e, 8) == 1).await;
        assert_eq!(counted_values(&effects, 7), 1, "{effects:?}");
    }
}

mode_test! {
    async fn a_poison_event_is_dead_lettered_while_the_100_behind_it_are_handled_and_replays_once_repaired(mode) {
        let fixture = Fixture::new(mode).await;
        fixture.start(Behaviour { poison_below_zero: true, ..Behaviour::default() });
        fixture.change("poison", -1).await.unwrap_or_else(|e| panic!("{e:#}"));
        for value in 0..100 {
            fixture.change(&format!("good-{value}"), value).await.unwrap_or_else(|e| panic!("{e:#}"));
        }
        let effects = fixture.wait_for("the 100 good events", |e| e.len() >= 100).await;
        assert_eq!(effects.len(), 100);
        let dead = fixture.dead_letters_once_any().await;
        assert_eq!(dead.len(), 1, "{dead:?}");
        assert_eq!(dead[0].attempts, 3);
        assert_eq!(dead[0].subject, "poison");
        assert!(dead[0].last_error.as_deref().unwrap_or("").contains("poison value -1"));
        // Repaired, replayed: handled once.
        sqlx::query("INSERT INTO repaired (n) VALUES (1)")
            .execute(fixture.consumer_db.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(replay(fixture.consumer_db.pool(), dead[0].id).await.unwrap_or_else(|e| panic!("{e:#}")));
        assert!(!replay(fixture.consumer_db.pool(), dead[0].id).await.unwrap_or_else(|e| panic!("{e:#}")),
            "a replayed event is no longer dead");
        let effects = fixture.wait_for("the replayed event", |e| counted_values(e, -1) == 1).await;
        assert_eq!(effects.len(), 101);
        assert!(dead_letters(fixture.consumer_db.pool()).await.unwrap_or_else(|e| panic!("{e:#}")).is_empty());
    }
}

mode_test! {
    async fn a_handler_that_fails_after_writing_leaves_no_trace_and_the_rest_of_its_batch_commits(mode) {
        let fixture = Fixture::new(mode).await;
        // Written before anything runs, so that the consumer finds them together and handles
        // them in one batch (one transaction, a savepoint each).
        for value in 0..30 {
            fixture.change(&format!("subject-{value}"), value).await.unwrap_or_else(|e| panic!("{e:#}"));
        }
        fixture.start(Behaviour { fail_after_writing: Some(7), ..Behaviour::default() });
        let effects = fixture.wait_for("the 29 good events", |e| e.len() >= 29).await;
        let dead = fixture.dead_letters_once_any().await;
        assert_eq!(dead.len(), 1, "{dead:?}");
        assert_eq!(dead[0].subject, "subject-7");
        assert_eq!(dead[0].attempts, 3);
        let effects_now = fixture.effects().await;
        assert_eq!(counted_values(&effects_now, 7), 0, "a failed handler's write was kept");
        assert_eq!(effects_now.len(), 29, "{effects:?}");
    }
}

mode_test! {
    async fn events_about_one_subject_are_handled_in_order_even_when_one_is_retried(mode) {
        let fixture = Fixture::new(mode).await;
        fixture.start(Behaviour { fail_once: Some(10), ..Behaviour::default() });
        for value in 0..40 {
            let subject = if value % 2 == 0 { "even" } else { "odd" };
            fixture.change(subject, value).await.unwrap_or_else(|e| panic!("{e:#}"));
        }
        let effects = fixture.wait_for("40 effects", |e| e.len() >= 40).await;
        for subject in ["even", "odd"] {
            let values: Vec<i64> = effects.iter().filter(|(s, _)| s == subject).map(|(_, v)| *v).collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            assert_eq!(values, sorted, "{subject} out of order");
            assert_eq!(values.len(), 20);
        }
    }
}

/// Only the AMQP mode has a broker to lose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and RabbitMQ: set TIENDA_TEST_DATABASE_URL and TIENDA_TEST_AMQP_URL and pass --include-ignored"]
async fn with_the_broker_down_changes_succeed_and_every_event_arrives_once_when_it_returns() {
    let fixture = Fixture::new(Mode::Amqp).await;
    fixture.start(Behaviour::default());
    fixture
        .change("warm-up", -5)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    fixture
        .wait_for("the warm-up event", |e| e.len() == 1)
        .await;
    let proxy = fixture
        .proxy
        .as_ref()
        .unwrap_or_else(|| panic!("AMQP mode has a proxy"));
    proxy.cut();
    let readiness = fixture.publisher.readiness();
    for value in 0..100 {
        fixture
            .change(&format!("s{}", value % 7), value)
            .await
            .unwrap_or_else(|e| panic!("a change failed with the broker down: {e:#}"));
    }
    let mut reported_down = false;
    for _ in 0..100 {
        if readiness.check().await.is_err() {
            reported_down = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reported_down, "readiness must report the broker down");
    assert!(
        fixture.pending_in_outbox().await > 0,
        "events cannot have left with the broker down"
    );
    proxy.restore();
    // A last change, relayed after every one before it: once it has its effect, any event
    // published twice across the outage has been handled (or dropped) too.
    fixture
        .change("s0", 1000)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let effects = fixture
        .wait_for("the last change", |e| counted_values(e, 1000) == 1)
        .await;
    assert_eq!(
        effects.len(),
        102,
        "an event is missing or had its effect twice"
    );
    for value in 0..100 {
        assert_eq!(counted_values(&effects, value), 1, "value {value}");
    }
    assert!(readiness.check().await.is_ok());
    assert_eq!(fixture.pending_in_outbox().await, 0);
}

/// CI says every server is there (`TIENDA_TEST_REQUIRE_SERVICES=1`): then the tests that need
/// them, ignored by default, must be in the run, or they would pass by not running.
#[test]
fn when_servers_are_required_the_server_tests_are_not_left_out() {
    let required = std::env::var(platform::testing::REQUIRE_SERVICES_VAR)
        .is_ok_and(|value| value == "1" || value == "true");
    if required {
        assert!(
            std::env::args().any(|arg| arg == "--include-ignored" || arg == "--ignored"),
            "TIENDA_TEST_REQUIRE_SERVICES=1: run with `-- --include-ignored`"
        );
    }
}

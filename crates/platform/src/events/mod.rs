//! Events between services, delivered at least once and handled exactly once in effect.
//!
//! - [`envelope`]: the CloudEvents 1.0 envelope.
//! - [`outbox`]: events written in the transaction of the change, and the relay that publishes
//!   them in order once committed.
//! - [`inbox`]: events received, stored once per id, handled in a transaction that records them,
//!   retried, and dead-lettered when they keep failing.
//! - [`handlers`]: what a consuming service does per event type.
//! - [`transport`]: in-memory (embedded) and [`amqp`] (RabbitMQ, distributed).
//! - [`dead_letters`]: the dead letters of a consuming service over HTTP (administrators).
//!
//! A service holds an [`Events`]: `events.publish(&mut transaction, &event)` before committing
//! and `events.commit(transaction)` to commit and wake the relay. [`Events::tasks`] gives the
//! relay, the consumer (when the service handles events) and the pruning, to run beside the
//! HTTP server. `docs/adr/0005-events.md` records why it is built this way.

pub mod amqp;
pub mod dead_letters;
pub mod envelope;
pub mod handlers;
pub mod inbox;
pub mod metrics;
pub mod outbox;
pub mod transport;

use std::sync::Arc;
use std::time::Duration;

use contracts::events::Event;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use envelope::Envelope;
pub use handlers::{Handlers, Tx, Unprocessable};
pub use inbox::{DeadLetter, Inbox, dead_letters, replay};
pub use metrics::EventMetrics;
pub use transport::{HeldTransport, MemoryTransport, Published, Transport};

use crate::app::BackgroundTask;
use crate::db::{Backend, Database};
use crate::http::ReadinessCheck;
use metrics::ServiceLabel;

/// How the backbone behaves; the same for every service of a process.
#[derive(Debug, Clone)]
pub struct EventsConfig {
    /// The most events one relay round publishes (and the publisher-confirm window).
    pub relay_batch: usize,
    /// How often the relay and the inbox look for work nobody woke them for (retries due,
    /// events committed by another replica, replays).
    pub poll_interval: Duration,
    /// Attempts at handling an event before it is dead-lettered.
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles with each attempt.
    pub retry_delay: Duration,
    /// The longest delay between attempts.
    pub max_retry_delay: Duration,
    /// How long sent events stay in the outbox (for inspection).
    pub outbox_retention: Duration,
    /// How long handled event ids stay in the inbox: a redelivery within it is recognised.
    pub inbox_retention: Duration,
}

impl Default for EventsConfig {
    fn default() -> Self {
        Self {
            relay_batch: 100,
            poll_interval: Duration::from_secs(1),
            max_attempts: 5,
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(300),
            outbox_retention: Duration::from_secs(24 * 3600),
            inbox_retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl EventsConfig {
    /// The delay after the `attempts`-th failure.
    pub fn retry_delay(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.retry_delay
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_retry_delay)
    }
}

/// The process's event transport with its settings and instruments, shared by its services.
#[derive(Clone)]
pub struct Bus {
    transport: Arc<dyn Transport>,
    config: EventsConfig,
    metrics: EventMetrics,
}

impl Bus {
    /// A bus over `transport`.
    pub fn new(transport: Arc<dyn Transport>, config: EventsConfig, metrics: EventMetrics) -> Self {
        Self {
            transport,
            config,
            metrics,
        }
    }

    /// The embedded mode's bus: in process.
    pub fn in_memory(config: EventsConfig, metrics: EventMetrics) -> Self {
        Self::new(Arc::new(MemoryTransport::default()), config, metrics)
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }
}

/// One service's end of the bus: its outbox, and its inbox if it consumes.
#[derive(Clone)]
pub struct Events {
    inner: Arc<EventsInner>,
}

struct EventsInner {
    service: &'static str,
    database: Database,
    bus: Bus,
    relay_wake: Notify,
    label: ServiceLabel,
}

impl Events {
    /// The events of `service`, whose database holds its outbox and inbox.
    pub fn new(service: &'static str, database: Database, bus: &Bus) -> Self {
        Self {
            inner: Arc::new(EventsInner {
                service,
                database,
                bus: bus.clone(),
                relay_wake: Notify::new(),
                label: EventMetrics::label(service),
            }),
        }
    }

    /// Writes `event` in the transaction of the change it reports. Write it after the change,
    /// so that concurrent changes to one subject queue their events in the order they commit.
    pub async fn publish<E: Event>(
        &self,
        connection: &mut AnyConnection,
        event: &E,
    ) -> Result<(), sqlx::Error> {
        outbox::insert(self.inner.service, connection, event).await?;
        Ok(())
    }

    /// Commits a transaction that published events, and wakes the relay for them.
    pub async fn commit(&self, transaction: Transaction<'static, Any>) -> Result<(), sqlx::Error> {
        transaction.commit().await?;
        self.inner.relay_wake.notify_one();
        Ok(())
    }

    /// One relay round, for tests that drive the relay by hand.
    pub async fn relay_once(&self) -> anyhow::Result<()> {
        outbox::relay(self).await.map(|_| ())
    }

    /// The inbox for `handlers`, subscribed on the bus: for tests that handle by hand.
    pub fn inbox(&self, handlers: Handlers) -> Inbox {
        Inbox::new(
            self.inner.service,
            self.inner.database.clone(),
            handlers,
            self.inner.bus.config.clone(),
            self.inner.bus.metrics.clone(),
        )
    }

    /// The work to run beside the server: the relay, pruning, and, when `handlers` handles
    /// anything, the subscription and the inbox worker.
    pub fn tasks(&self, handlers: Handlers) -> Vec<BackgroundTask> {
        let config = &self.inner.bus.config;
        let mut tasks = Vec::new();
        let relay = self.clone();
        tasks.push(drive(
            "relay",
            self.inner.service,
            config.poll_interval,
            move |cancel| {
                let relay = relay.clone();
                async move {
                    tokio::select! {
                        () = cancel.cancelled() => {},
                        () = relay.inner.relay_wake.notified() => {},
                    }
                }
            },
            {
                let relay = self.clone();
                move || {
                    let relay = relay.clone();
                    async move { outbox::relay(&relay).await }
                }
            },
        ));
        if !handlers.is_empty() {
            let inbox = self.inbox(handlers);
            if let Some(subscription) = self.inner.bus.transport.subscribe(inbox.clone()) {
                tasks.push(subscription);
            }
            let waiting = inbox.clone();
            tasks.push(drive(
                "inbox",
                self.inner.service,
                config.poll_interval,
                move |cancel| {
                    let inbox = waiting.clone();
                    async move {
                        tokio::select! {
                            () = cancel.cancelled() => {},
                            () = inbox.wake().notified() => {},
                        }
                    }
                },
                move || {
                    let inbox = inbox.clone();
                    async move { inbox.work().await }
                },
            ));
        }
        let database = self.inner.database.clone();
        let (outbox_retention, inbox_retention) = (config.outbox_retention, config.inbox_retention);
        tasks.push(crate::periodic(Duration::from_secs(600), move || {
            let database = database.clone();
            async move {
                if let Err(error) = outbox::prune(&database, outbox_retention).await {
                    tracing::warn!(%error, "pruning the outbox failed");
                }
                if let Err(error) = inbox::prune(&database, inbox_retention).await {
                    tracing::warn!(%error, "pruning the inbox failed");
                }
            }
        }));
        tasks
    }

    /// As [`Events::tasks`], for a service that verifies tokens with `verifier`: when the
    /// verifier keeps a list of revoked sessions, also the handler of `session.revoked` that
    /// feeds it and the tasks that reload and prune it.
    pub fn tasks_verifying(
        &self,
        handlers: Handlers,
        verifier: &crate::auth::TokenVerifier,
    ) -> Vec<BackgroundTask> {
        match verifier.revoked_sessions() {
            Some(list) => {
                let mut tasks = self.tasks(list.handle(handlers));
                tasks.extend(list.tasks(&self.inner.database));
                tasks
            }
            None => self.tasks(handlers),
        }
    }

    /// What `/health/ready` asks of the transport.
    pub fn readiness(&self) -> ReadinessCheck {
        let bus = self.inner.bus.clone();
        ReadinessCheck::new(
            format!("{}-events-{}", self.inner.service, bus.transport.name()),
            move || {
                let bus = bus.clone();
                Box::pin(async move { bus.transport.check().await })
            },
        )
    }
}

/// Whether a round left work for another at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// More is waiting: go again.
    More,
    /// Nothing more now: wait to be woken or for the poll interval.
    Idle,
}

/// The longest a failing loop waits before trying again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A loop of rounds until cancelled: again at once while there is more, after a wake-up or the
/// poll interval when idle, after a growing delay when a round fails.
fn drive<W, WFut, R, RFut>(
    what: &'static str,
    service: &'static str,
    poll: Duration,
    wait: W,
    round: R,
) -> BackgroundTask
where
    W: Fn(CancellationToken) -> WFut + Send + 'static,
    WFut: std::future::Future<Output = ()> + Send,
    R: Fn() -> RFut + Send + 'static,
    RFut: std::future::Future<Output = anyhow::Result<Round>> + Send,
{
    Box::new(move |cancel| {
        Box::pin(async move {
            let mut backoff = Duration::from_millis(100);
            while !cancel.is_cancelled() {
                match round().await {
                    Ok(Round::More) => {
                        backoff = Duration::from_millis(100);
                    }
                    Ok(Round::Idle) => {
                        backoff = Duration::from_millis(100);
                        let _ = tokio::time::timeout(poll, wait(cancel.clone())).await;
                    }
                    Err(error) => {
                        tracing::warn!(service, what, error = %format!("{error:#}"), ?backoff, "event round failed");
                        tokio::select! {
                            () = cancel.cancelled() => {},
                            () = tokio::time::sleep(backoff) => {},
                        }
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                    }
                }
            }
        })
    })
}

/// Held while one replica does a round that no other replica of its service may do at the same
/// time (relaying in order, working the inbox in order). On PostgreSQL a transaction-scoped
/// advisory lock; SQLite has one process by construction.
pub(crate) struct RoundLock(Option<Transaction<'static, Any>>);

impl RoundLock {
    /// The lock, or `None` when another replica holds it.
    pub(crate) async fn try_acquire(database: &Database, key: i64) -> anyhow::Result<Option<Self>> {
        match database.backend() {
            Backend::Sqlite => Ok(Some(Self(None))),
            Backend::Postgres => {
                let mut transaction = database.pool().begin().await?;
                let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                    .bind(key)
                    .fetch_one(&mut *transaction)
                    .await?;
                Ok(held.then_some(Self(Some(transaction))))
            }
        }
    }

    /// Lets the lock go at once (dropping it would release it only when its connection is next
    /// used).
    pub(crate) async fn release(self) {
        if let Some(transaction) = self.0
            && let Err(error) = transaction.commit().await
        {
            tracing::warn!(%error, "releasing a round lock failed");
        }
    }
}

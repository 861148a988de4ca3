//! The inbox: every event a service receives is first stored here by id (a second delivery of
//! the same id stores nothing), then handled by one worker, in arrival order, each in a
//! transaction that also marks it handled.
//!
//! A failing handler is retried with growing delays; events about the same subject wait behind
//! it (their order matters), events about other subjects go on. After the last attempt, or at
//! once when the payload breaks its contract, the event is dead: kept with its error, listed by
//! `tienda events dead-letters`, and handled again after `tienda events replay`. A database that
//! cannot be reached is not the event's fault: the worker waits for it without counting attempts.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;
use sqlx::{AnyPool, Row};
use tokio::sync::Notify;
use tracing::Instrument;
use uuid::Uuid;

use super::envelope::Envelope;
use super::handlers::{Handlers, Unprocessable};
use super::metrics::{EventMetrics, ServiceLabel};
use super::{EventsConfig, Round, RoundLock};
use crate::db::Database;
use crate::time::{from_db, now, to_db};

/// How many pending events one round reads.
const ROUND_SIZE: i64 = 200;
/// The advisory lock that lets one replica of a service work its inbox at a time.
const INBOX_LOCK: i64 = 0x7469_656e_6461_0002;

/// A consuming service's inbox.
#[derive(Clone)]
pub struct Inbox {
    inner: Arc<InboxInner>,
}

struct InboxInner {
    service: String,
    database: Database,
    handlers: Handlers,
    wake: Notify,
    config: EventsConfig,
    metrics: EventMetrics,
    label: ServiceLabel,
}

/// An inbox that does not keep its service alive.
#[derive(Clone)]
pub struct WeakInbox(std::sync::Weak<InboxInner>);

impl WeakInbox {
    /// The inbox, while its service still holds it.
    pub fn upgrade(&self) -> Option<Inbox> {
        self.0.upgrade().map(|inner| Inbox { inner })
    }
}

/// One event set aside after its last failed attempt.
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    /// The event's id, what `tienda events replay` takes.
    pub id: Uuid,
    /// Its type.
    pub kind: String,
    /// Its subject.
    pub subject: String,
    /// How many times it was tried.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it arrived (RFC 3339).
    pub received_at: String,
}

enum Outcome {
    Handled,
    Failed,
}

impl Inbox {
    pub(crate) fn new(
        service: &str,
        database: Database,
        handlers: Handlers,
        config: EventsConfig,
        metrics: EventMetrics,
    ) -> Self {
        Self {
            inner: Arc::new(InboxInner {
                service: service.to_owned(),
                database,
                handlers,
                wake: Notify::new(),
                config,
                label: EventMetrics::label(service),
                metrics,
            }),
        }
    }

    /// A handle that does not keep the inbox alive.
    pub fn downgrade(&self) -> WeakInbox {
        WeakInbox(Arc::downgrade(&self.inner))
    }

    /// The consuming service's name.
    pub fn service(&self) -> &str {
        &self.inner.service
    }

    /// The types this inbox takes.
    pub fn types(&self) -> Vec<String> {
        self.inner.handlers.types()
    }

    /// Stores an arriving event durably, once per id; the transport acknowledges it after this
    /// returns `Ok`.
    pub async fn receive(&self, envelope: &Envelope) -> anyhow::Result<()> {
        self.receive_all(std::slice::from_ref(envelope)).await
    }

    /// Stores arriving events durably in one transaction, each once per id: a transport hands
    /// over what it has at once, and acknowledges all of it after this returns `Ok`.
    pub async fn receive_all(&self, envelopes: &[Envelope]) -> anyhow::Result<()> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let at = to_db(now());
        let mut transaction = self.inner.database.begin().await?;
        for envelope in envelopes {
            sqlx::query(
                "INSERT INTO event_inbox \
                 (id, type, subject, envelope, status, attempts, next_attempt_at, received_at) \
                 VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) ON CONFLICT (id) DO NOTHING",
            )
            .bind(envelope.id.to_string())
            .bind(&envelope.kind)
            .bind(&envelope.subject)
            .bind(envelope.to_json())
            .bind(&at)
            .execute(&mut *transaction)
            .await
            .context("the inbox could not store an event")?;
        }
        transaction
            .commit()
            .await
            .context("the inbox could not store its events")?;
        self.inner.wake.notify_one();
        Ok(())
    }

    pub(crate) fn wake(&self) -> &Notify {
        &self.inner.wake
    }

    /// One round: handles the pending events that are due, oldest first.
    pub(crate) async fn work(&self) -> anyhow::Result<Round> {
        let inner = &self.inner;
        let Some(lock) = RoundLock::try_acquire(&inner.database, INBOX_LOCK).await? else {
            return Ok(Round::Idle);
        };
        let rows = sqlx::query(
            "SELECT id, subject, envelope, attempts, next_attempt_at FROM event_inbox \
             WHERE status = 'pending' ORDER BY seq LIMIT $1",
        )
        .bind(ROUND_SIZE)
        .fetch_all(inner.database.pool())
        .await?;
        let started = now();
        let mut waiting_subjects = HashSet::new();
        let mut handled = 0;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let subject: String = row.try_get("subject")?;
            if waiting_subjects.contains(&subject) {
                continue;
            }
            let due = from_db(&row.try_get::<String, _>("next_attempt_at")?)?;
            if due > started {
                waiting_subjects.insert(subject);
                continue;
            }
            let attempts: i64 = row.try_get("attempts")?;
            let envelope: String = row.try_get("envelope")?;
            match self.handle(&id, &envelope, attempts).await? {
                Outcome::Handled => handled += 1,
                Outcome::Failed => {
                    waiting_subjects.insert(subject);
                }
            }
        }
        lock.release().await;
        let full = rows.len() == usize::try_from(ROUND_SIZE).unwrap_or(usize::MAX);
        Ok(if full && handled > 0 {
            Round::More
        } else {
            Round::Idle
        })
    }

    async fn handle(&self, id: &str, stored: &str, attempts: i64) -> anyhow::Result<Outcome> {
        let inner = &self.inner;
        let envelope = match Envelope::from_json(stored.as_bytes()) {
            Ok(envelope) => envelope,
            Err(error) => {
                self.set_aside(id, attempts, &Unprocessable(format!("{error:#}")).into())
                    .await?;
                return Ok(Outcome::Failed);
            }
        };
        let span = tracing::info_span!(
            "event",
            service = %inner.service,
            event_id = %envelope.id,
            event_type = %envelope.kind,
            request_id = envelope.requestid.as_deref().unwrap_or(""),
        );
        let request_id = envelope.requestid.clone();
        let result = crate::http::with_request_id(request_id, self.attempt(id, &envelope))
            .instrument(span)
            .await;
        match result {
            Ok(()) => {
                inner.metrics.consumed.get_or_create(&inner.label).inc();
                Ok(Outcome::Handled)
            }
            Err(error) if is_unavailable(&error) => Err(error),
            Err(error) => {
                self.set_aside(id, attempts, &error).await?;
                Ok(Outcome::Failed)
            }
        }
    }

    /// Runs the handler and marks the event handled, in one transaction.
    async fn attempt(&self, id: &str, envelope: &Envelope) -> anyhow::Result<()> {
        let inner = &self.inner;
        let mut transaction = inner.database.begin().await?;
        if let Some(handling) = inner.handlers.handle(envelope, &mut transaction) {
            handling.await?;
        }
        sqlx::query(
            "UPDATE event_inbox SET status = 'handled', handled_at = $1, \
             attempts = attempts + 1, last_error = NULL WHERE id = $2",
        )
        .bind(to_db(now()))
        .bind(id)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Records a failed attempt: a retry after a delay, or a dead letter after the last.
    async fn set_aside(
        &self,
        id: &str,
        attempts: i64,
        error: &anyhow::Error,
    ) -> anyhow::Result<()> {
        let inner = &self.inner;
        let attempts = attempts + 1;
        let message: String = format!("{error:#}").chars().take(2000).collect();
        let permanent = error.downcast_ref::<Unprocessable>().is_some();
        if permanent || attempts >= i64::from(inner.config.max_attempts) {
            tracing::error!(service = %inner.service, event_id = id, attempts, error = %message, "event dead-lettered");
            sqlx::query(
                "UPDATE event_inbox SET status = 'dead', attempts = $1, last_error = $2 \
                 WHERE id = $3",
            )
            .bind(attempts)
            .bind(&message)
            .bind(id)
            .execute(inner.database.writer())
            .await?;
            inner
                .metrics
                .dead_lettered
                .get_or_create(&inner.label)
                .inc();
        } else {
            let delay = inner.config.retry_delay(attempts);
            tracing::warn!(service = %inner.service, event_id = id, attempts, ?delay, error = %message, "event handler failed; will retry");
            let due = now() + time::Duration::try_from(delay).unwrap_or(time::Duration::HOUR);
            sqlx::query(
                "UPDATE event_inbox SET attempts = $1, last_error = $2, next_attempt_at = $3 \
                 WHERE id = $4",
            )
            .bind(attempts)
            .bind(&message)
            .bind(to_db(due))
            .bind(id)
            .execute(inner.database.writer())
            .await?;
            inner.metrics.retried.get_or_create(&inner.label).inc();
        }
        Ok(())
    }
}

fn is_unavailable(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .any(crate::db::is_unavailable)
}

/// The dead letters in one service's database, oldest first.
pub async fn dead_letters(pool: &AnyPool) -> anyhow::Result<Vec<DeadLetter>> {
    let rows = sqlx::query(
        "SELECT id, type, subject, attempts, last_error, received_at FROM event_inbox \
         WHERE status = 'dead' ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DeadLetter {
                id: crate::db::parse_stored_uuid(&row.try_get::<String, _>("id")?)?,
                kind: row.try_get("type")?,
                subject: row.try_get("subject")?,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                received_at: row.try_get("received_at")?,
            })
        })
        .collect()
}

/// Sends a dead letter back to its handler with a fresh set of attempts; false when the
/// database holds no dead letter with that id. A running service picks it up within its poll
/// interval.
pub async fn replay(pool: &AnyPool, id: Uuid) -> anyhow::Result<bool> {
    let replayed = sqlx::query(
        "UPDATE event_inbox SET status = 'pending', attempts = 0, next_attempt_at = $1 \
         WHERE id = $2 AND status = 'dead'",
    )
    .bind(to_db(now()))
    .bind(id.to_string())
    .execute(pool)
    .await?;
    Ok(replayed.rows_affected() > 0)
}

/// Forgets handled events older than the retention: after that, a redelivery of one would be
/// handled again, so the retention must outlast any redelivery.
pub(crate) async fn prune(database: &Database, retention: Duration) -> anyhow::Result<u64> {
    let before = now() - time::Duration::try_from(retention).unwrap_or(time::Duration::DAY);
    let pruned =
        sqlx::query("DELETE FROM event_inbox WHERE status = 'handled' AND handled_at < $1")
            .bind(to_db(before))
            .execute(database.writer())
            .await?;
    Ok(pruned.rows_affected())
}

//! The inbox: every event a service receives is first stored here by id (a second delivery of
//! the same id stores nothing), then handled by one worker, in arrival order. Events are handled
//! in batches, one transaction a batch, each event inside its own savepoint: its handler's
//! writes and the mark that it was handled commit together, and a handler that fails rolls back
//! to its savepoint alone (its failure is recorded in the same transaction) while the others in
//! the batch commit. One commit for up to [`BATCH_SIZE`] events, instead of one each, is what
//! lets a consumer keep up with a busy publisher.
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
use super::handlers::{Handlers, Tx, Unprocessable};
use super::metrics::{EventMetrics, ServiceLabel};
use super::{EventsConfig, Round, RoundLock};
use crate::db::Database;
use crate::time::{from_db, now, to_db};

/// How many pending events one round reads.
const ROUND_SIZE: i64 = 200;
/// How many events one transaction handles at most: enough to spread a commit over many, few
/// enough that the transaction holds SQLite's one writer for only milliseconds.
pub const BATCH_SIZE: usize = 50;
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

    /// One round: handles the pending events that are due, oldest first, in batches.
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
        let mut due = Vec::with_capacity(rows.len());
        for row in &rows {
            let subject: String = row.try_get("subject")?;
            if waiting_subjects.contains(&subject) {
                continue;
            }
            if from_db(&row.try_get::<String, _>("next_attempt_at")?)? > started {
                waiting_subjects.insert(subject);
                continue;
            }
            due.push(Pending {
                id: row.try_get("id")?,
                subject,
                envelope: row.try_get("envelope")?,
                attempts: row.try_get("attempts")?,
            });
        }
        let mut handled = 0;
        for batch in due.chunks(BATCH_SIZE) {
            handled += self.handle_batch(batch, &mut waiting_subjects).await?;
        }
        lock.release().await;
        let full = rows.len() == usize::try_from(ROUND_SIZE).unwrap_or(usize::MAX);
        Ok(if full && handled > 0 {
            Round::More
        } else {
            Round::Idle
        })
    }

    /// Handles `batch` in one transaction, each event in a savepoint; skips the events whose
    /// subject waits behind a failure (an earlier one in this round, or one in this batch).
    /// Returns how many were handled. A database that cannot be reached fails the whole batch,
    /// which is then tried again, whole, in a later round.
    async fn handle_batch(
        &self,
        batch: &[Pending],
        waiting_subjects: &mut HashSet<String>,
    ) -> anyhow::Result<usize> {
        let inner = &self.inner;
        let mut transaction = inner.database.begin().await?;
        let mut counts = Counts::default();
        for event in batch {
            if waiting_subjects.contains(&event.subject) {
                continue;
            }
            sqlx::query("SAVEPOINT inbox_event")
                .execute(&mut *transaction)
                .await?;
            let outcome = self.handle(&mut transaction, event).await;
            match outcome {
                Ok(()) => {
                    sqlx::query("RELEASE SAVEPOINT inbox_event")
                        .execute(&mut *transaction)
                        .await?;
                    counts.handled += 1;
                }
                Err(error) if is_unavailable(&error) => return Err(error),
                Err(error) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT inbox_event")
                        .execute(&mut *transaction)
                        .await?;
                    sqlx::query("RELEASE SAVEPOINT inbox_event")
                        .execute(&mut *transaction)
                        .await?;
                    let dead = self
                        .set_aside(&mut transaction, &event.id, event.attempts, &error)
                        .await?;
                    if dead {
                        counts.dead += 1;
                    } else {
                        counts.retried += 1;
                    }
                    waiting_subjects.insert(event.subject.clone());
                }
            }
        }
        transaction.commit().await?;
        let metrics = &inner.metrics;
        let label = &inner.label;
        metrics.consumed.get_or_create(label).inc_by(counts.handled);
        metrics
            .dead_lettered
            .get_or_create(label)
            .inc_by(counts.dead);
        metrics.retried.get_or_create(label).inc_by(counts.retried);
        Ok(usize::try_from(counts.handled).unwrap_or(usize::MAX))
    }

    /// Runs the event's handler and marks the event handled, in `transaction`; a stored event
    /// that no longer parses is unprocessable.
    async fn handle(&self, transaction: &mut Tx, event: &Pending) -> anyhow::Result<()> {
        let inner = &self.inner;
        let envelope = Envelope::from_json(event.envelope.as_bytes())
            .map_err(|error| anyhow::Error::from(Unprocessable(format!("{error:#}"))))?;
        let span = tracing::info_span!(
            "event",
            service = %inner.service,
            event_id = %envelope.id,
            event_type = %envelope.kind,
            request_id = envelope.requestid.as_deref().unwrap_or(""),
        );
        let request_id = envelope.requestid.clone();
        let work = async {
            if let Some(handling) = inner.handlers.handle(&envelope, transaction) {
                handling.await?;
            }
            sqlx::query(
                "UPDATE event_inbox SET status = 'handled', handled_at = $1, \
                 attempts = attempts + 1, last_error = NULL WHERE id = $2",
            )
            .bind(to_db(now()))
            .bind(&event.id)
            .execute(&mut **transaction)
            .await?;
            Ok(())
        };
        crate::http::with_request_id(request_id, work)
            .instrument(span)
            .await
    }

    /// Records a failed attempt in `transaction`: a retry after a delay, or a dead letter after
    /// the last. True when the event is now dead.
    async fn set_aside(
        &self,
        transaction: &mut Tx,
        id: &str,
        attempts: i64,
        error: &anyhow::Error,
    ) -> anyhow::Result<bool> {
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
            .execute(&mut **transaction)
            .await?;
            Ok(true)
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
            .execute(&mut **transaction)
            .await?;
            Ok(false)
        }
    }
}

/// An event read from the inbox, due to be handled.
struct Pending {
    id: String,
    subject: String,
    envelope: String,
    attempts: i64,
}

/// What one batch did, counted into the metrics once it has committed.
#[derive(Default)]
struct Counts {
    handled: u64,
    dead: u64,
    retried: u64,
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

//! The outbox: a service writes its events in the transaction of its change (so an event exists
//! exactly when the change does), and a relay publishes them in order and marks them sent only
//! once the transport has confirmed them. A crash between commit and publish loses nothing: the
//! relay finds the rows on the next start. A crash between publish and marking publishes again,
//! which consumers' inboxes absorb.

use std::time::Duration;

use contracts::events::Event;
use sqlx::{AnyConnection, Row};

use super::envelope::Envelope;
use super::{Events, Round, RoundLock};
use crate::db::Database;
use crate::time::{from_db, now, to_db};

/// The advisory lock that lets one replica of a service relay at a time (order needs one).
const RELAY_LOCK: i64 = 0x7469_656e_6461_0001;

/// Writes `event` into the outbox in the caller's transaction; returns its envelope. A payload
/// that does not serialise is an encoding error, as a bad query parameter would be.
pub(crate) async fn insert<E: Event>(
    service: &str,
    connection: &mut AnyConnection,
    event: &E,
) -> Result<Envelope, sqlx::Error> {
    let envelope = Envelope::wrap(service, event, crate::http::current_request_id())
        .map_err(|error| sqlx::Error::Encode(error.into()))?;
    sqlx::query(
        "INSERT INTO event_outbox (id, type, subject, envelope, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(envelope.id.to_string())
    .bind(&envelope.kind)
    .bind(&envelope.subject)
    .bind(envelope.to_json())
    .bind(to_db(envelope.time))
    .execute(connection)
    .await?;
    Ok(envelope)
}

/// One relay round: publishes the oldest pending events and marks the confirmed ones sent.
pub(crate) async fn relay(events: &Events) -> anyhow::Result<Round> {
    let inner = &events.inner;
    let batch = i64::try_from(inner.bus.config.relay_batch).unwrap_or(100);
    let Some(lock) = RoundLock::try_acquire(&inner.database, RELAY_LOCK).await? else {
        return Ok(Round::Idle);
    };
    let rows = sqlx::query(
        "SELECT seq, envelope FROM event_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1",
    )
    .bind(batch)
    .fetch_all(inner.database.pool())
    .await?;
    if rows.is_empty() {
        lock.release().await;
        measure_backlog(events).await?;
        return Ok(Round::Idle);
    }
    let mut sequence = Vec::with_capacity(rows.len());
    let mut envelopes = Vec::with_capacity(rows.len());
    for row in &rows {
        let seq: i64 = row.try_get("seq")?;
        let stored: String = row.try_get("envelope")?;
        match Envelope::from_json(stored.as_bytes()) {
            Ok(envelope) => {
                sequence.push(seq);
                envelopes.push(envelope);
            }
            // Only this code writes the outbox; a row it cannot read would block every later
            // one forever, so it is logged and skipped.
            Err(error) => {
                tracing::error!(seq, %error, "unreadable outbox row skipped");
                mark_sent(&inner.database, &[seq]).await?;
            }
        }
    }
    let published = inner.bus.transport.publish(&envelopes).await;
    mark_sent(&inner.database, &sequence[..published.confirmed]).await?;
    lock.release().await;
    inner
        .bus
        .metrics
        .published
        .get_or_create(&inner.label)
        .inc_by(u64::try_from(published.confirmed).unwrap_or(0));
    measure_backlog(events).await?;
    if let Some(error) = published.error {
        return Err(error.context("the transport did not confirm every event"));
    }
    let full = rows.len() == usize::try_from(batch).unwrap_or(0);
    Ok(if full && published.confirmed == envelopes.len() {
        Round::More
    } else {
        Round::Idle
    })
}

async fn mark_sent(database: &Database, sequence: &[i64]) -> anyhow::Result<()> {
    if sequence.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (2..sequence.len() + 2).map(|n| format!("${n}")).collect();
    let statement = format!(
        "UPDATE event_outbox SET sent_at = $1 WHERE seq IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&statement).bind(to_db(now()));
    for seq in sequence {
        query = query.bind(*seq);
    }
    query.execute(database.writer()).await?;
    Ok(())
}

/// Sets the backlog gauges: how many events wait, and how long the oldest has waited.
async fn measure_backlog(events: &Events) -> anyhow::Result<()> {
    let inner = &events.inner;
    let row = sqlx::query(
        "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM event_outbox \
         WHERE sent_at IS NULL",
    )
    .fetch_one(inner.database.pool())
    .await?;
    let pending: i64 = row.try_get("pending")?;
    let oldest: Option<String> = row.try_get("oldest")?;
    let age = match oldest {
        Some(oldest) => (now() - from_db(&oldest)?).as_seconds_f64().max(0.0),
        None => 0.0,
    };
    let metrics = &inner.bus.metrics;
    metrics
        .outbox_backlog
        .get_or_create(&inner.label)
        .set(pending);
    metrics
        .outbox_oldest_seconds
        .get_or_create(&inner.label)
        .set(age);
    Ok(())
}

/// Deletes sent events older than the retention.
pub(crate) async fn prune(database: &Database, retention: Duration) -> anyhow::Result<u64> {
    let before = now() - time::Duration::try_from(retention).unwrap_or(time::Duration::DAY);
    let pruned = sqlx::query("DELETE FROM event_outbox WHERE sent_at IS NOT NULL AND sent_at < $1")
        .bind(to_db(before))
        .execute(database.writer())
        .await?;
    Ok(pruned.rows_affected())
}

/// How many events wait in a service's outbox (for tests and operators).
pub async fn pending(database: &Database) -> anyhow::Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS pending FROM event_outbox WHERE sent_at IS NULL")
        .fetch_one(database.pool())
        .await?;
    Ok(row.try_get("pending")?)
}

//! `incident_events`: the append-only history of an incident, conversation included.

use platform::time::{from_db, to_db};
use serde_json::Value;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, optional_uuid, uuid};

/// One thing that happened to an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its id (UUIDv7: events sort in time).
    pub id: Uuid,
    /// The incident.
    pub incident_id: Uuid,
    /// `created`, `comment`, `status`, `assignment`, `priority`, `category`, `merged`,
    /// `merged_from`, `satisfaction`, `sla_breached`.
    pub kind: String,
    /// Who did it; `None` for Tienda itself.
    pub author_id: Option<Uuid>,
    /// Their role then (`customer`, `agent`, `admin`, `system`).
    pub author_role: Option<String>,
    /// The text of a comment.
    pub body: Option<String>,
    /// Staff only: never shown to the customer.
    pub internal: bool,
    /// Details (`{from, to}` of a change, ...).
    pub data: Value,
    /// When.
    pub at: OffsetDateTime,
}

/// Appends an event.
pub async fn insert_event(
    executor: impl Executor<'_, Database = Any>,
    event: &Event,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO incident_events (id, incident_id, kind, author_id, author_role, body, internal, data, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.id.to_string())
    .bind(event.incident_id.to_string())
    .bind(&event.kind)
    .bind(event.author_id.map(|id| id.to_string()))
    .bind(event.author_role.as_deref())
    .bind(event.body.as_deref())
    .bind(i64::from(event.internal))
    .bind(event.data.to_string())
    .bind(to_db(event.at))
    .execute(executor)
    .await?;
    Ok(())
}

/// An incident's events, oldest first; without internal ones unless `include_internal`.
pub async fn list_events(
    executor: impl Executor<'_, Database = Any>,
    incident_id: Uuid,
    include_internal: bool,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, incident_id, kind, author_id, author_role, body, internal, data, at FROM incident_events \
         WHERE incident_id = $1 AND (internal = 0 OR $2 = 1) ORDER BY at, id",
    )
    .bind(incident_id.to_string())
    .bind(i64::from(include_internal))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let data: String = row.try_get("data")?;
            Ok(Event {
                id: uuid(&row.try_get::<String, _>("id")?)?,
                incident_id: uuid(&row.try_get::<String, _>("incident_id")?)?,
                kind: row.try_get("kind")?,
                author_id: optional_uuid(row.try_get("author_id")?)?,
                author_role: row.try_get("author_role")?,
                body: row.try_get("body")?,
                internal: row.try_get::<i64, _>("internal")? == 1,
                data: serde_json::from_str(&data)
                    .map_err(|error| anyhow::anyhow!("bad stored event data: {error}"))?,
                at: from_db(&row.try_get::<String, _>("at")?)?,
            })
        })
        .collect()
}

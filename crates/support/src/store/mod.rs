//! All of support's SQL, one file per table group. The same statements run on SQLite and
//! PostgreSQL.

mod agents;
mod events;
mod incidents;
mod orders;

pub use agents::{
    Agent, ensure_agent, find_agent, list_agents, lock_agents, next_round_robin, open_counts,
    set_agent_available, touch_assigned, update_agent,
};
pub use events::{Event, insert_event, list_events};
pub use incidents::{
    Incident, IncidentFilter, QueueCursor, QueueSummary, active_incident_ids, anonymise_requester,
    find_incident, insert_incident, list_incidents, queue_summary, resolved_before,
    update_incident,
};
pub use orders::{order_owner, remember_order};

use uuid::Uuid;

/// What may go wrong that a caller acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row changed since it was read.
    #[error("stale version")]
    Stale,
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored value that does not parse.
    #[error(transparent)]
    Corrupt(#[from] anyhow::Error),
}

pub(crate) use platform::db::parse_stored_uuid as uuid;

pub(crate) fn optional_uuid(text: Option<String>) -> anyhow::Result<Option<Uuid>> {
    text.as_deref().map(uuid).transpose()
}

pub(crate) fn optional_time(text: Option<String>) -> anyhow::Result<Option<time::OffsetDateTime>> {
    text.as_deref().map(platform::time::from_db).transpose()
}

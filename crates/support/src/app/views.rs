//! How incidents, events and agents look in the API, and the SLA computed for them.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::{Any, Executor};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::domain::incident::{Category, Priority, Related};
use crate::domain::sla::{Sla, Timeline, clocks};
use crate::domain::status::{Mover, Status, moves_from};
use crate::store::{self, Agent, Event, Incident, StoreError};

/// A `time` instant as a `jiff` one (the SLA clock uses jiff for its time zones).
pub fn to_jiff(at: OffsetDateTime) -> Timestamp {
    i64::try_from(at.unix_timestamp_nanos())
        .ok()
        .and_then(|nanos| Timestamp::from_nanosecond(i128::from(nanos)).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn to_time(at: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
}

/// The status timeline of an incident, from its history.
pub async fn timeline(
    executor: impl Executor<'_, Database = Any>,
    incident: &Incident,
) -> Result<Timeline, StoreError> {
    let events = store::list_events(executor, incident.id, true).await?;
    let statuses = events
        .iter()
        .filter_map(|event| match event.kind.as_str() {
            "created" => Some((to_jiff(event.at), Status::New)),
            "status" => event.data["to"]
                .as_str()
                .and_then(|to| Status::parse(to).ok())
                .map(|to| (to_jiff(event.at), to)),
            _ => None,
        })
        .collect();
    Ok(Timeline {
        statuses,
        first_response_at: incident.first_response_at.map(to_jiff),
    })
}

/// The SLA clocks of an incident under the current policies and calendar.
pub fn sla(state: &State, incident: &Incident, timeline: &Timeline, now: OffsetDateTime) -> Sla {
    clocks(
        &state.calendar,
        state.policies.for_priority(incident.priority),
        timeline,
        to_jiff(now),
    )
}

/// Puts the cached due time and breach flag in line with `sla`.
pub fn cache_sla(incident: &mut Incident, sla: &Sla) {
    let running = [&sla.first_response, &sla.resolution]
        .into_iter()
        .filter(|clock| clock.met.is_none() && !clock.paused)
        .filter_map(|clock| clock.due_at.as_deref().and_then(to_time));
    incident.next_due_at = running.min();
    incident.breached = sla.first_response.breached || sla.resolution.breached;
}

/// An incident as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    /// Its id.
    pub id: Uuid,
    /// One line.
    pub subject: String,
    /// What happened.
    pub description: String,
    /// What it is about.
    pub category: Category,
    /// How urgent.
    pub priority: Priority,
    /// Where it is.
    pub status: Status,
    /// The customer's account, when it has one.
    pub requester_user_id: Option<Uuid>,
    /// The customer record, when known.
    pub customer_id: Option<Uuid>,
    /// The customer's name.
    pub requester_name: String,
    /// The customer's email.
    pub requester_email: String,
    /// What it relates to.
    pub related: Option<Related>,
    /// The agent working it.
    pub assignee_id: Option<Uuid>,
    /// The incident it was merged into.
    pub merged_into: Option<Uuid>,
    /// The SLA clocks, now.
    pub sla: Sla,
    /// The statuses the caller may move it to now (`POST /incidents/{id}/status`).
    pub moves: Vec<Status>,
    /// The satisfaction rating, when given.
    pub rating: Option<i64>,
    /// The comment with the rating.
    pub rating_comment: Option<String>,
    /// The version, also sent as `ETag`.
    pub version: i64,
    /// Opened (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Renders an incident with its SLA as of now, and the moves `mover` may make.
pub async fn incident_view(
    state: &State,
    executor: impl Executor<'_, Database = Any>,
    incident: &Incident,
    mover: Mover,
) -> Result<IncidentView, StoreError> {
    let timeline = timeline(executor, incident).await?;
    let sla = sla(state, incident, &timeline, state.clock.now());
    Ok(IncidentView {
        id: incident.id,
        subject: incident.subject.clone(),
        description: incident.description.clone(),
        category: incident.category,
        priority: incident.priority,
        status: incident.status,
        requester_user_id: incident.requester_user_id,
        customer_id: incident.customer_id,
        requester_name: incident.requester_name.clone(),
        requester_email: incident.requester_email.clone(),
        related: incident.related.clone(),
        assignee_id: incident.assignee_id,
        merged_into: incident.merged_into,
        sla,
        moves: moves_from(incident.status, mover),
        rating: incident.rating,
        rating_comment: incident.rating_comment.clone(),
        version: incident.version,
        created_at: incident.created_at,
        updated_at: incident.updated_at,
    })
}

/// One event of an incident's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Its id.
    pub id: Uuid,
    /// `created`, `comment`, `status`, `assignment`, `priority`, `category`, `merged`,
    /// `merged_from`, `satisfaction`, `sla_breached`.
    pub kind: String,
    /// Who; `null` for Tienda itself.
    pub author_id: Option<Uuid>,
    /// Their role (`customer`, `agent`, `admin`), or `system`.
    pub author_role: Option<String>,
    /// A comment's text.
    pub body: Option<String>,
    /// Internal notes are shown to staff only.
    pub internal: bool,
    /// Details, such as `{from, to}` of a change.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// When (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl From<Event> for EventView {
    fn from(event: Event) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            author_id: event.author_id,
            author_role: event.author_role,
            body: event.body,
            internal: event.internal,
            data: event.data,
            at: event.at,
        }
    }
}

/// An agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentView {
    /// The identity user id.
    pub id: Uuid,
    /// The name shown.
    pub display_name: String,
    /// Whether automatic assignment may pick this agent.
    pub available: bool,
    /// First seen by support (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Agent> for AgentView {
    fn from(agent: Agent) -> Self {
        Self {
            id: agent.user_id,
            display_name: agent.display_name,
            available: agent.available,
            created_at: agent.created_at,
        }
    }
}

//! What the website sends to and reads from the support service.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// What an incident is about, besides its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// `product`, `order` or `service`.
    pub kind: String,
    /// Its id.
    pub id: Uuid,
}

/// `POST /api/support/incidents`, as a customer opens one.
#[derive(Debug, Clone, Serialize)]
pub struct NewIncident {
    /// One line.
    pub subject: String,
    /// What happened.
    pub description: String,
    /// `product`, `order`, `billing`, `service` or `other`.
    pub category: String,
    /// The order, product or service it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Related>,
}

/// An incident, as `GET /api/support/incidents/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Incident {
    /// Its id.
    pub id: Uuid,
    /// One line.
    pub subject: String,
    /// What happened.
    pub description: String,
    /// `product`, `order`, `billing`, `service` or `other`.
    pub category: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `new`, `open`, `pending`, `on_hold`, `resolved`, `closed` or `merged`.
    pub status: String,
    /// What it is about.
    pub related: Option<Related>,
    /// The customer's account, when it has one.
    #[serde(default)]
    pub requester_user_id: Option<Uuid>,
    /// The customer record, when known.
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// The customer's name.
    #[serde(default)]
    pub requester_name: String,
    /// The customer's email.
    #[serde(default)]
    pub requester_email: String,
    /// The agent working it.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// The SLA clocks, as of the answer.
    pub sla: Sla,
    /// The statuses the caller may move it to now.
    #[serde(default)]
    pub moves: Vec<String>,
    /// Its version (the `ETag`).
    #[serde(default)]
    pub version: i64,
    /// The incident it was merged into.
    pub merged_into: Option<Uuid>,
    /// The customer's rating (1 to 5), once given.
    pub rating: Option<i64>,
    /// When it was opened.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An incident's two SLA clocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Sla {
    /// Until the first staff answer.
    pub first_response: SlaClock,
    /// Until resolved.
    pub resolution: SlaClock,
}

/// One SLA clock, counted in business time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SlaClock {
    /// The target, in business seconds.
    pub target_secs: i64,
    /// Business seconds left (negative once passed).
    pub remaining_secs: i64,
    /// When it falls due (RFC 3339), while it runs.
    pub due_at: Option<String>,
    /// Whether the target was met, once it stopped.
    pub met: Option<bool>,
    /// The target passed unmet.
    pub breached: bool,
    /// Stopped while the incident waits on someone else.
    pub paused: bool,
}

/// A support agent, as `GET /api/support/agents` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Agent {
    /// Their user id.
    pub id: Uuid,
    /// The name they show.
    pub display_name: String,
    /// Whether automatic assignment gives them incidents.
    pub available: bool,
}

/// One event of an incident's history: a comment, a status change, an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IncidentEvent {
    /// Its id.
    pub id: Uuid,
    /// `comment`, `status_changed`, ... as support names them.
    pub kind: String,
    /// The author's user id, when a person did it.
    #[serde(default)]
    pub author_id: Option<Uuid>,
    /// The author's role (`customer`, `agent`, ...), when a person did it.
    pub author_role: Option<String>,
    /// A comment's text.
    pub body: Option<String>,
    /// Staff only. Support never shows these to a customer; the website checks again.
    pub internal: bool,
    /// What changed (`{"from": ..., "to": ...}` for a status change).
    pub data: serde_json::Value,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// `POST /api/support/incidents/{id}/comments`.
#[derive(Debug, Clone, Serialize)]
pub struct NewComment {
    /// The text.
    pub body: String,
    /// A note for staff only (staff may send it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

/// `POST /api/support/incidents/{id}/satisfaction`.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    /// 1 to 5.
    pub rating: i64,
    /// What the customer adds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `GET /api/support/queue-summary`: the open work by SLA state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct QueueSummary {
    /// Neither breached nor due within the hour.
    pub on_track: i64,
    /// Due within the hour.
    pub at_risk: i64,
    /// An SLA target passed unmet.
    pub breached: i64,
    /// Nobody is assigned.
    pub unassigned: i64,
}

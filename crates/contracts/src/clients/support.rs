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

/// One event of an incident's history: a comment, a status change, an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IncidentEvent {
    /// Its id.
    pub id: Uuid,
    /// `comment`, `status_changed`, ... as support names them.
    pub kind: String,
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

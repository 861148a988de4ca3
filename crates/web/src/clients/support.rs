//! Support: the caller's incidents and their conversation.

use axum::http::Method;
use contracts::clients::support::{
    Agent, Incident, IncidentEvent, NewComment, NewIncident, QueueSummary, Rating,
};
use contracts::clients::{DeadLetter, Page};
use platform::client::ServiceClient;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{CallError, NO_BODY, dead_letters, exchange, replay};

const PREFIX: &str = "/api/support";

/// A client of the support service.
#[derive(Debug, Clone)]
pub struct SupportClient(pub(super) ServiceClient);

impl SupportClient {
    /// Opens an incident; the same `idempotency_key` opens it once.
    pub async fn open(
        &self,
        token: &str,
        idempotency_key: &str,
        incident: &NewIncident,
    ) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents");
        let headers = [("idempotency-key", idempotency_key)];
        exchange(
            &self.0,
            Method::POST,
            &path,
            Some(token),
            &headers,
            Some(incident),
        )
        .await
    }

    /// A page of the caller's incidents.
    pub async fn incidents(&self, token: &str) -> Result<Page<Incident>, CallError> {
        let path = format!("{PREFIX}/incidents?limit=100");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// One incident.
    pub async fn incident(&self, token: &str, id: Uuid) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// What happened to an incident, oldest first.
    pub async fn history(&self, token: &str, id: Uuid) -> Result<Vec<IncidentEvent>, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/history");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Replies; staff may write an `internal` note instead, never shown to the customer.
    pub async fn comment(
        &self,
        token: &str,
        id: Uuid,
        body: &str,
        internal: bool,
    ) -> Result<IncidentEvent, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/comments");
        let comment = NewComment {
            body: body.to_owned(),
            internal,
        };
        exchange(
            &self.0,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(&comment),
        )
        .await
    }

    /// Rates a resolved incident.
    pub async fn rate(
        &self,
        token: &str,
        id: Uuid,
        rating: &Rating,
    ) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/satisfaction");
        exchange(&self.0, Method::POST, &path, Some(token), &[], Some(rating)).await
    }

    /// A page of the queue as staff filter it, soonest SLA due first.
    pub async fn queue(
        &self,
        token: &str,
        filter: &QueueFilter,
    ) -> Result<Page<Incident>, CallError> {
        let query = serde_urlencoded::to_string(filter).unwrap_or_default();
        let path = format!("{PREFIX}/incidents?{query}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// The support agents.
    pub async fn agents(&self, token: &str) -> Result<Vec<Agent>, CallError> {
        let path = format!("{PREFIX}/agents");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Moves an incident to `to`, as the transition table allows the caller.
    pub async fn move_to(&self, token: &str, id: Uuid, to: &str) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/status");
        let body = json!({ "to": to });
        exchange(&self.0, Method::POST, &path, Some(token), &[], Some(&body)).await
    }

    /// Assigns an incident to the caller.
    pub async fn claim(&self, token: &str, id: Uuid) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/claim");
        exchange(&self.0, Method::POST, &path, Some(token), &[], NO_BODY).await
    }

    /// Sets priority and assignee (`None`: unassigned), if the incident is still at `version`
    /// (else 412).
    pub async fn reassign(
        &self,
        token: &str,
        id: Uuid,
        version: i64,
        priority: &str,
        assignee: Option<Uuid>,
    ) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}");
        let if_match = format!("\"{version}\"");
        let headers = [("if-match", if_match.as_str())];
        let body = json!({ "priority": priority, "assignee_id": assignee });
        exchange(
            &self.0,
            Method::PATCH,
            &path,
            Some(token),
            &headers,
            Some(&body),
        )
        .await
    }

    /// Merges an incident into another of the same customer.
    pub async fn merge(&self, token: &str, id: Uuid, into: Uuid) -> Result<Incident, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/merge");
        let body = json!({ "into": into });
        exchange(&self.0, Method::POST, &path, Some(token), &[], Some(&body)).await
    }

    /// The work that still needs doing, by SLA state.
    pub async fn queue_summary(&self, token: &str) -> Result<QueueSummary, CallError> {
        let path = format!("{PREFIX}/queue-summary");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Events this service failed to handle (administrators).
    pub async fn dead_letters(&self, token: &str) -> Result<Vec<DeadLetter>, CallError> {
        dead_letters(&self.0, PREFIX, token).await
    }

    /// Sends one of them back to its handler.
    pub async fn replay(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        replay(&self.0, PREFIX, token, id).await
    }
}

/// The queue's filters, as `GET /api/support/incidents` takes them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueFilter {
    /// Only in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Only with this priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Only assigned to this agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Uuid>,
    /// Only those that still need work.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub active: bool,
    /// Only those nobody works.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unassigned: bool,
    /// Only this customer record's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Uuid>,
    /// Only opened by this account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Uuid>,
    /// Only those whose requester has this email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `breached` or `due_soon`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Where the page starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

//! Support: the caller's incidents and their conversation.

use axum::http::Method;
use contracts::clients::Page;
use contracts::clients::support::{Incident, IncidentEvent, NewComment, NewIncident, Rating};
use platform::client::ServiceClient;
use uuid::Uuid;

use super::{CallError, NO_BODY, exchange};

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

    /// Replies.
    pub async fn comment(
        &self,
        token: &str,
        id: Uuid,
        body: &str,
    ) -> Result<IncidentEvent, CallError> {
        let path = format!("{PREFIX}/incidents/{id}/comments");
        let comment = NewComment {
            body: body.to_owned(),
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
}

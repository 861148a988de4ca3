//! Events the support service publishes about incidents.

use super::*;

/// An incident was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IncidentOpened {
    /// The incident.
    pub incident_id: Uuid,
    /// The customer record it concerns, if known.
    pub customer_id: Option<Uuid>,
    /// The account that reported it, if any.
    pub requester_user_id: Option<Uuid>,
    /// `product`, `order`, `billing`, `service` or `other`.
    pub category: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
}

impl Event for IncidentOpened {
    const TYPE: &'static str = "tienda.support.incident.opened.v1";
    fn subject(&self) -> String {
        self.incident_id.to_string()
    }
}

/// An incident moved from one status to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IncidentStatusChanged {
    /// The incident.
    pub incident_id: Uuid,
    /// The status it had.
    pub from: String,
    /// The status it has now.
    pub to: String,
}

impl Event for IncidentStatusChanged {
    const TYPE: &'static str = "tienda.support.incident.status_changed.v1";
    fn subject(&self) -> String {
        self.incident_id.to_string()
    }
}

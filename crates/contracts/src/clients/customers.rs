//! What the website sends to and reads from the customers service.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// A customer record, as `GET /api/customers/me` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Customer {
    /// Its id.
    pub id: Uuid,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Email (the account's).
    pub email: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// Its addresses.
    pub addresses: Vec<Address>,
    /// The customer's account, when it has one.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Born on (`YYYY-MM-DD`).
    #[serde(default)]
    pub birth_date: Option<String>,
    /// `active`, `deleted` or `erased`.
    #[serde(default)]
    pub status: String,
    /// Its version (the `ETag`, for `If-Match`).
    pub version: i64,
}

/// A customer's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// What the customer calls it (`home`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Street and number.
    pub line1: String,
    /// Floor, door.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Region or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: String,
}

/// `PATCH /api/customers/me`: what a customer may change of its record. A field left out is
/// kept; `phone: null` removes the phone.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OwnChange {
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Phone (`Some(None)` removes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Option<String>>,
    /// The whole list of addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
}

/// A contracted service, as `GET /api/customers/{id}/services` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContractedService {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its plan.
    pub plan: Option<String>,
    /// The day it started (`YYYY-MM-DD`).
    pub started_on: String,
    /// The day it ends, if set.
    pub ends_on: Option<String>,
    /// `active`, `suspended` or `cancelled`.
    pub status: String,
    /// Its status changes, oldest first.
    pub history: Vec<StatusChange>,
}

/// A contracted service's change of status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusChange {
    /// The status before (none at the start).
    pub from: Option<String>,
    /// The status after.
    pub to: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One entry of a customer's audit trail (`GET /api/customers/{id}/history`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuditEntry {
    /// Its id.
    pub id: Uuid,
    /// The role of who did it, when a person did.
    pub actor_role: Option<String>,
    /// What happened (`created`, `updated`, ...).
    pub action: String,
    /// What changed, field by field.
    pub changes: serde_json::Value,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

//! Events the customers service publishes about customer records.

use super::*;

/// What the other services may know of a customer record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CustomerSnapshot {
    /// The record.
    pub customer_id: Uuid,
    /// The account linked to it, if any.
    pub user_id: Option<Uuid>,
    /// Its email.
    pub email: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// `active` or `deleted` (restorable for a while).
    pub status: String,
}

/// A customer record was made (by staff, or for a new account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CustomerCreated {
    /// The record as made.
    #[serde(flatten)]
    pub customer: CustomerSnapshot,
}

impl Event for CustomerCreated {
    const TYPE: &'static str = "tienda.customers.customer.created.v1";
    fn subject(&self) -> String {
        self.customer.customer_id.to_string()
    }
}

/// A customer record changed: its data, its account link or its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CustomerUpdated {
    /// The record as it is now.
    #[serde(flatten)]
    pub customer: CustomerSnapshot,
}

impl Event for CustomerUpdated {
    const TYPE: &'static str = "tienda.customers.customer.updated.v1";
    fn subject(&self) -> String {
        self.customer.customer_id.to_string()
    }
}

/// A customer's personal data was erased: every service that copied any of it must erase
/// its copy. It names the record and the account, and carries no personal data itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CustomerErased {
    /// The record, whose id stays.
    pub customer_id: Uuid,
    /// The account that was linked to it, if any.
    pub user_id: Option<Uuid>,
}

impl Event for CustomerErased {
    const TYPE: &'static str = "tienda.customers.customer.erased.v1";
    fn subject(&self) -> String {
        self.customer_id.to_string()
    }
}

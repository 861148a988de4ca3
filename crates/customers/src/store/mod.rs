//! All of customers' SQL, one file per table group. The same statements run on SQLite and
//! PostgreSQL.
//!
//! Records and services carry a `version`; updates are guarded (`WHERE version = $n`), so two
//! concurrent writers cannot both apply a change computed from the same read.

mod audit;
mod records;
mod services;

pub use audit::{AuditEntry, insert_audit, list_audit, redact_audit};
pub use records::{
    Customer, count_customers, deleted_before, find_by_user, find_customer, find_id_by_email,
    insert_customer, search_customers, update_customer,
};
pub use services::{
    ContractedService, StatusChange, find_service, insert_service, insert_status_change,
    list_services, list_status_changes, update_service,
};

use platform::time::from_db;
use time::OffsetDateTime;

/// What may go wrong that a caller acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken: the email (another record's) or the account (linked to another
    /// record).
    #[error("the email or the account belongs to another record")]
    Duplicate,
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

pub(crate) fn optional_time(text: Option<String>) -> anyhow::Result<Option<OffsetDateTime>> {
    text.as_deref().map(from_db).transpose()
}

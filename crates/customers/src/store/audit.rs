//! `audit_entries`: append-only, redacted on erasure.

use platform::time::{from_db, to_db};
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, uuid};
use serde_json::Value;

/// One line of a customer's audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Its id (UUIDv7: the entries sort in time).
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// Who acted (a user id); `None` for the system.
    pub actor_id: Option<Uuid>,
    /// The actor's role then.
    pub actor_role: Option<String>,
    /// What happened (`customer.updated`, `service.added`, ...).
    pub action: String,
    /// What changed: `{field: {from, to}}`, or the new values; redacted on erasure.
    pub changes: Value,
    /// When.
    pub at: OffsetDateTime,
}

/// Appends to the audit trail.
pub async fn insert_audit(
    executor: impl Executor<'_, Database = Any>,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_entries (id, customer_id, actor_id, actor_role, action, changes, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.id.to_string())
    .bind(entry.customer_id.to_string())
    .bind(entry.actor_id.map(|id| id.to_string()))
    .bind(entry.actor_role.as_deref())
    .bind(&entry.action)
    .bind(entry.changes.to_string())
    .bind(to_db(entry.at))
    .execute(executor)
    .await?;
    Ok(())
}

/// A customer's audit trail after `after`, oldest first, at most `limit`.
pub async fn list_audit(
    executor: impl Executor<'_, Database = Any>,
    customer_id: Uuid,
    after: Option<Uuid>,
    limit: Option<u32>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, customer_id, actor_id, actor_role, action, changes, at FROM audit_entries \
         WHERE customer_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3",
    )
    .bind(customer_id.to_string())
    .bind(after.map(|id| id.to_string()))
    .bind(limit.map_or(i64::MAX, i64::from))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let changes: String = row.try_get("changes")?;
            Ok(AuditEntry {
                id: uuid(&row.try_get::<String, _>("id")?)?,
                customer_id: uuid(&row.try_get::<String, _>("customer_id")?)?,
                actor_id: row
                    .try_get::<Option<String>, _>("actor_id")?
                    .as_deref()
                    .map(uuid)
                    .transpose()?,
                actor_role: row.try_get("actor_role")?,
                action: row.try_get("action")?,
                changes: serde_json::from_str(&changes)
                    .map_err(|error| anyhow::anyhow!("bad stored audit changes: {error}"))?,
                at: from_db(&row.try_get::<String, _>("at")?)?,
            })
        })
        .collect()
}

/// Replaces the recorded changes of every audit entry of a customer (erasure).
pub async fn redact_audit(
    executor: impl Executor<'_, Database = Any>,
    customer_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE audit_entries SET changes = $1 WHERE customer_id = $2")
        .bind(serde_json::json!({ "redacted": true }).to_string())
        .bind(customer_id.to_string())
        .execute(executor)
        .await?;
    Ok(())
}

//! All of customers' SQL. The same statements run on SQLite and PostgreSQL.
//!
//! Records and services carry a `version`; updates are guarded (`WHERE version = $n`), so two
//! concurrent writers cannot both apply a change computed from the same read.

use platform::db::is_unique_violation;
use platform::time::{from_db, to_db};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::domain::customer::{
    Address, CustomerStatus, format_date, parse_stored_date, search_text,
};
use crate::domain::service::ServiceStatus;

/// A customer record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The record id.
    pub id: Uuid,
    /// The identity account linked to it, if any.
    pub user_id: Option<Uuid>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Normalised email, unique.
    pub email: String,
    /// E.164 phone.
    pub phone: Option<String>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// Life-cycle status.
    pub status: CustomerStatus,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// When it was deleted, if it is.
    pub deleted_at: Option<OffsetDateTime>,
}

/// What may go wrong that a caller acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The email belongs to another record.
    #[error("the email belongs to customer {0}")]
    DuplicateEmail(Uuid),
    /// The account is already linked to another record.
    #[error("the account is already linked")]
    DuplicateUser,
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

fn uuid(text: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(text).map_err(|error| anyhow::anyhow!("bad stored id `{text}`: {error}"))
}

fn optional_time(text: Option<String>) -> anyhow::Result<Option<OffsetDateTime>> {
    text.as_deref().map(from_db).transpose()
}

const CUSTOMER_COLUMNS: &str = "id, user_id, given_name, family_name, email, phone, birth_date, \
                                addresses, status, version, created_at, updated_at, deleted_at";

fn customer_from_row(row: &AnyRow) -> Result<Customer, StoreError> {
    let addresses: String = row.try_get("addresses")?;
    Ok(Customer {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        user_id: row
            .try_get::<Option<String>, _>("user_id")?
            .as_deref()
            .map(uuid)
            .transpose()?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        birth_date: row
            .try_get::<Option<String>, _>("birth_date")?
            .as_deref()
            .map(parse_stored_date)
            .transpose()?,
        addresses: serde_json::from_str(&addresses)
            .map_err(|error| anyhow::anyhow!("bad stored addresses: {error}"))?,
        status: CustomerStatus::parse(&row.try_get::<String, _>("status")?)?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
        deleted_at: optional_time(row.try_get("deleted_at")?)?,
    })
}

fn addresses_json(addresses: &[Address]) -> Result<String, StoreError> {
    serde_json::to_string(addresses).map_err(|error| StoreError::Corrupt(error.into()))
}

/// The record with this email, if any (whatever its status).
pub async fn find_id_by_email(
    executor: impl Executor<'_, Database = Any>,
    email: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
        .bind(email)
        .fetch_optional(executor)
        .await?;
    Ok(id.as_deref().map(uuid).transpose()?)
}

/// Inserts a new record (version 1). A taken email or account is an error naming the owner.
///
/// The owner is looked up through `pool`, not the transaction: after a failed statement
/// PostgreSQL refuses further statements in that transaction, and the conflicting row is
/// committed (a unique conflict waits for the other transaction to end).
pub async fn insert_customer(
    pool: &AnyPool,
    transaction: &mut sqlx::Transaction<'static, Any>,
    customer: &Customer,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO customers (id, user_id, given_name, family_name, email, phone, birth_date, \
         addresses, search_text, status, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(customer.id.to_string())
    .bind(customer.user_id.map(|id| id.to_string()))
    .bind(&customer.given_name)
    .bind(&customer.family_name)
    .bind(&customer.email)
    .bind(customer.phone.as_deref())
    .bind(customer.birth_date.map(format_date))
    .bind(addresses_json(&customer.addresses)?)
    .bind(search_text(
        &customer.given_name,
        &customer.family_name,
        &customer.email,
        customer.phone.as_deref(),
    ))
    .bind(customer.status.as_str())
    .bind(to_db(customer.created_at))
    .execute(&mut **transaction)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => {
            // Which key? The email if a record holds it, otherwise the account.
            match find_id_by_email(pool, &customer.email).await? {
                Some(existing) => Err(StoreError::DuplicateEmail(existing)),
                None => Err(StoreError::DuplicateUser),
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// The record with this id.
pub async fn find_customer(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Customer>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(customer_from_row).transpose()
}

/// The record linked to an account.
pub async fn find_by_user(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
) -> Result<Option<Customer>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE user_id = $1"
    ))
    .bind(user_id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(customer_from_row).transpose()
}

/// Records whose names, email or phone contain `text` (lowercased), after `after` in id order.
pub async fn search_customers(
    pool: &AnyPool,
    text: Option<&str>,
    include_deleted: bool,
    after: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Customer>, StoreError> {
    let pattern = text.map(|text| format!("%{}%", escape_like(&text.to_lowercase())));
    let rows = sqlx::query(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers \
         WHERE ($1 IS NULL OR search_text LIKE $1 ESCAPE '\\') \
           AND (status = 'active' OR ($2 = 1 AND status = 'deleted')) \
           AND ($3 IS NULL OR id > $3) \
         ORDER BY id LIMIT $4"
    ))
    .bind(pattern)
    .bind(i64::from(include_deleted))
    .bind(after.map(|id| id.to_string()))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(customer_from_row).collect()
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Writes every field of `customer` if the stored version is still `customer.version`, and
/// returns the record with its new version. [`StoreError::Stale`] when another write came first.
/// A duplicate email is looked up through `pool` (see [`insert_customer`]).
pub async fn update_customer(
    pool: &AnyPool,
    transaction: &mut sqlx::Transaction<'static, Any>,
    customer: &Customer,
) -> Result<Customer, StoreError> {
    let now = platform::time::now();
    let result = sqlx::query(
        "UPDATE customers SET user_id = $1, given_name = $2, family_name = $3, email = $4, \
         phone = $5, birth_date = $6, addresses = $7, search_text = $8, status = $9, \
         deleted_at = $10, erased_at = $11, version = version + 1, updated_at = $12 \
         WHERE id = $13 AND version = $14",
    )
    .bind(customer.user_id.map(|id| id.to_string()))
    .bind(&customer.given_name)
    .bind(&customer.family_name)
    .bind(&customer.email)
    .bind(customer.phone.as_deref())
    .bind(customer.birth_date.map(format_date))
    .bind(addresses_json(&customer.addresses)?)
    .bind(search_text(
        &customer.given_name,
        &customer.family_name,
        &customer.email,
        customer.phone.as_deref(),
    ))
    .bind(customer.status.as_str())
    .bind(customer.deleted_at.map(to_db))
    .bind((customer.status == CustomerStatus::Erased).then(|| to_db(now)))
    .bind(to_db(now))
    .bind(customer.id.to_string())
    .bind(customer.version)
    .execute(&mut **transaction)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => {}
        Ok(_) => return Err(StoreError::Stale),
        Err(error) if is_unique_violation(&error) => {
            return match find_id_by_email(pool, &customer.email).await? {
                Some(existing) if existing != customer.id => {
                    Err(StoreError::DuplicateEmail(existing))
                }
                _ => Err(StoreError::DuplicateUser),
            };
        }
        Err(error) => return Err(error.into()),
    }
    find_customer(&mut **transaction, customer.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// Records deleted before `cutoff`, whose restore window has passed.
pub async fn deleted_before(
    pool: &AnyPool,
    cutoff: OffsetDateTime,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM customers WHERE status = 'deleted' AND deleted_at < $1")
            .bind(to_db(cutoff))
            .fetch_all(pool)
            .await?;
    Ok(ids
        .iter()
        .map(|id| uuid(id))
        .collect::<anyhow::Result<_>>()?)
}

/// How many records there are (for seeding demo data once).
pub async fn count_customers(pool: &AnyPool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(pool)
        .await?)
}

/// A contracted service as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractedService {
    /// Its id.
    pub id: Uuid,
    /// Whose it is.
    pub customer_id: Uuid,
    /// What it is (`Fibre 600 Mb`).
    pub name: String,
    /// Its plan or tier.
    pub plan: Option<String>,
    /// When it was contracted.
    pub started_on: Date,
    /// When it ends, if known.
    pub ends_on: Option<Date>,
    /// Its status.
    pub status: ServiceStatus,
    /// Bumped on every change.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const SERVICE_COLUMNS: &str =
    "id, customer_id, name, plan, started_on, ends_on, status, version, created_at, updated_at";

fn service_from_row(row: &AnyRow) -> Result<ContractedService, StoreError> {
    Ok(ContractedService {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        customer_id: uuid(&row.try_get::<String, _>("customer_id")?)?,
        name: row.try_get("name")?,
        plan: row.try_get("plan")?,
        started_on: parse_stored_date(&row.try_get::<String, _>("started_on")?)?,
        ends_on: row
            .try_get::<Option<String>, _>("ends_on")?
            .as_deref()
            .map(parse_stored_date)
            .transpose()?,
        status: ServiceStatus::parse(&row.try_get::<String, _>("status")?)?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

/// Inserts a contracted service (version 1).
pub async fn insert_service(
    executor: impl Executor<'_, Database = Any>,
    service: &ContractedService,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO customer_services (id, customer_id, name, plan, started_on, ends_on, status, \
         version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(service.id.to_string())
    .bind(service.customer_id.to_string())
    .bind(&service.name)
    .bind(service.plan.as_deref())
    .bind(format_date(service.started_on))
    .bind(service.ends_on.map(format_date))
    .bind(service.status.as_str())
    .bind(to_db(service.created_at))
    .execute(executor)
    .await?;
    Ok(())
}

/// One service of one customer.
pub async fn find_service(
    executor: impl Executor<'_, Database = Any>,
    customer_id: Uuid,
    service_id: Uuid,
) -> Result<Option<ContractedService>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {SERVICE_COLUMNS} FROM customer_services WHERE id = $1 AND customer_id = $2"
    ))
    .bind(service_id.to_string())
    .bind(customer_id.to_string())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(service_from_row).transpose()
}

/// Every service of a customer, oldest first.
pub async fn list_services(
    executor: impl Executor<'_, Database = Any>,
    customer_id: Uuid,
) -> Result<Vec<ContractedService>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SERVICE_COLUMNS} FROM customer_services WHERE customer_id = $1 ORDER BY id"
    ))
    .bind(customer_id.to_string())
    .fetch_all(executor)
    .await?;
    rows.iter().map(service_from_row).collect()
}

/// Writes a service if its stored version is still `service.version`.
pub async fn update_service(
    transaction: &mut sqlx::Transaction<'static, Any>,
    service: &ContractedService,
) -> Result<ContractedService, StoreError> {
    let done = sqlx::query(
        "UPDATE customer_services SET name = $1, plan = $2, started_on = $3, ends_on = $4, \
         status = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(&service.name)
    .bind(service.plan.as_deref())
    .bind(format_date(service.started_on))
    .bind(service.ends_on.map(format_date))
    .bind(service.status.as_str())
    .bind(to_db(platform::time::now()))
    .bind(service.id.to_string())
    .bind(service.version)
    .execute(&mut **transaction)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    find_service(&mut **transaction, service.customer_id, service.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// One change of a service's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The service.
    pub service_id: Uuid,
    /// Before (`None` when the service was created).
    pub from: Option<ServiceStatus>,
    /// After.
    pub to: ServiceStatus,
    /// When.
    pub at: OffsetDateTime,
    /// Who (a user id), when known.
    pub by: Option<Uuid>,
}

/// Records a status change.
pub async fn insert_status_change(
    executor: impl Executor<'_, Database = Any>,
    change: &StatusChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO service_status_changes (id, service_id, from_status, to_status, changed_at, \
         changed_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(change.service_id.to_string())
    .bind(change.from.map(ServiceStatus::as_str))
    .bind(change.to.as_str())
    .bind(to_db(change.at))
    .bind(change.by.map(|id| id.to_string()))
    .execute(executor)
    .await?;
    Ok(())
}

/// The status history of every service of a customer, oldest first.
pub async fn list_status_changes(
    executor: impl Executor<'_, Database = Any>,
    customer_id: Uuid,
) -> Result<Vec<StatusChange>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.service_id, c.from_status, c.to_status, c.changed_at, c.changed_by \
         FROM service_status_changes c JOIN customer_services s ON s.id = c.service_id \
         WHERE s.customer_id = $1 ORDER BY c.id",
    )
    .bind(customer_id.to_string())
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StatusChange {
                service_id: uuid(&row.try_get::<String, _>("service_id")?)?,
                from: row
                    .try_get::<Option<String>, _>("from_status")?
                    .as_deref()
                    .map(ServiceStatus::parse)
                    .transpose()?,
                to: ServiceStatus::parse(&row.try_get::<String, _>("to_status")?)?,
                at: from_db(&row.try_get::<String, _>("changed_at")?)?,
                by: row
                    .try_get::<Option<String>, _>("changed_by")?
                    .as_deref()
                    .map(uuid)
                    .transpose()?,
            })
        })
        .collect()
}

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

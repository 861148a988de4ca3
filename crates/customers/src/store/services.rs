//! `customer_services` and `service_status_changes`.

use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{StoreError, uuid};
use crate::domain::customer::{format_date, parse_stored_date};
use crate::domain::service::ServiceStatus;

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

//! The `incidents` table.

use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, optional_time, optional_uuid, uuid};
use crate::domain::incident::{Category, Priority, Related, RelatedKind};
use crate::domain::status::Status;

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Its id.
    pub id: Uuid,
    /// One line.
    pub subject: String,
    /// What happened.
    pub description: String,
    /// What it is about.
    pub category: Category,
    /// How urgent.
    pub priority: Priority,
    /// Where it is.
    pub status: Status,
    /// The account of the customer it is for, when it has one.
    pub requester_user_id: Option<Uuid>,
    /// The customer record it is for, when known.
    pub customer_id: Option<Uuid>,
    /// The customer's name when it was opened.
    pub requester_name: String,
    /// The customer's email when it was opened.
    pub requester_email: String,
    /// What it relates to.
    pub related: Option<Related>,
    /// The agent working it.
    pub assignee_id: Option<Uuid>,
    /// The incident this one was merged into.
    pub merged_into: Option<Uuid>,
    /// The first public reply from staff.
    pub first_response_at: Option<OffsetDateTime>,
    /// When it was last resolved.
    pub resolved_at: Option<OffsetDateTime>,
    /// Cached earliest due time of the running SLA clocks.
    pub next_due_at: Option<OffsetDateTime>,
    /// Cached: an SLA clock is breached.
    pub breached: bool,
    /// The customer's satisfaction rating, 1 to 5.
    pub rating: Option<i64>,
    /// The customer's comment with the rating.
    pub rating_comment: Option<String>,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Opened.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, subject, description, category, priority, status, requester_user_id, customer_id, \
    requester_name, requester_email, related_kind, related_id, assignee_id, merged_into, first_response_at, \
    resolved_at, next_due_at, breached, rating, rating_comment, version, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Incident, StoreError> {
    let related_kind: Option<String> = row.try_get("related_kind")?;
    let related_id: Option<String> = row.try_get("related_id")?;
    let related = match (related_kind, related_id) {
        (Some(kind), Some(id)) => Some(Related {
            kind: RelatedKind::parse(&kind)?,
            id: uuid(&id)?,
        }),
        _ => None,
    };
    Ok(Incident {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        subject: row.try_get("subject")?,
        description: row.try_get("description")?,
        category: Category::parse(&row.try_get::<String, _>("category")?)?,
        priority: Priority::parse(&row.try_get::<String, _>("priority")?)?,
        status: Status::parse(&row.try_get::<String, _>("status")?)?,
        requester_user_id: optional_uuid(row.try_get("requester_user_id")?)?,
        customer_id: optional_uuid(row.try_get("customer_id")?)?,
        requester_name: row.try_get("requester_name")?,
        requester_email: row.try_get("requester_email")?,
        related,
        assignee_id: optional_uuid(row.try_get("assignee_id")?)?,
        merged_into: optional_uuid(row.try_get("merged_into")?)?,
        first_response_at: optional_time(row.try_get("first_response_at")?)?,
        resolved_at: optional_time(row.try_get("resolved_at")?)?,
        next_due_at: optional_time(row.try_get("next_due_at")?)?,
        breached: row.try_get::<i64, _>("breached")? == 1,
        rating: row.try_get("rating")?,
        rating_comment: row.try_get("rating_comment")?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

/// Inserts a new incident (version 1).
pub async fn insert_incident(
    executor: impl Executor<'_, Database = Any>,
    incident: &Incident,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO incidents ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16, $17, $18, $19, $20, 1, $21, $21)"
    ))
    .bind(incident.id.to_string())
    .bind(&incident.subject)
    .bind(&incident.description)
    .bind(incident.category.as_str())
    .bind(incident.priority.as_str())
    .bind(incident.status.as_str())
    .bind(incident.requester_user_id.map(|id| id.to_string()))
    .bind(incident.customer_id.map(|id| id.to_string()))
    .bind(&incident.requester_name)
    .bind(&incident.requester_email)
    .bind(incident.related.as_ref().map(|r| r.kind.as_str()))
    .bind(incident.related.as_ref().map(|r| r.id.to_string()))
    .bind(incident.assignee_id.map(|id| id.to_string()))
    .bind(incident.merged_into.map(|id| id.to_string()))
    .bind(incident.first_response_at.map(to_db))
    .bind(incident.resolved_at.map(to_db))
    .bind(incident.next_due_at.map(to_db))
    .bind(i64::from(incident.breached))
    .bind(incident.rating)
    .bind(incident.rating_comment.as_deref())
    .bind(to_db(incident.created_at))
    .execute(executor)
    .await?;
    Ok(())
}

/// One incident.
pub async fn find_incident(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Incident>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM incidents WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Writes every mutable field if the stored version is still `incident.version`; returns the
/// incident with its new version.
pub async fn update_incident(
    transaction: &mut sqlx::Transaction<'static, Any>,
    incident: &Incident,
    now: OffsetDateTime,
) -> Result<Incident, StoreError> {
    let done = sqlx::query(
        "UPDATE incidents SET subject = $1, description = $2, category = $3, priority = $4, status = $5, \
         requester_name = $6, requester_email = $7, assignee_id = $8, merged_into = $9, first_response_at = $10, \
         resolved_at = $11, next_due_at = $12, breached = $13, rating = $14, rating_comment = $15, \
         version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18",
    )
    .bind(&incident.subject)
    .bind(&incident.description)
    .bind(incident.category.as_str())
    .bind(incident.priority.as_str())
    .bind(incident.status.as_str())
    .bind(&incident.requester_name)
    .bind(&incident.requester_email)
    .bind(incident.assignee_id.map(|id| id.to_string()))
    .bind(incident.merged_into.map(|id| id.to_string()))
    .bind(incident.first_response_at.map(to_db))
    .bind(incident.resolved_at.map(to_db))
    .bind(incident.next_due_at.map(to_db))
    .bind(i64::from(incident.breached))
    .bind(incident.rating)
    .bind(incident.rating_comment.as_deref())
    .bind(to_db(now))
    .bind(incident.id.to_string())
    .bind(incident.version)
    .execute(&mut **transaction)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    find_incident(&mut **transaction, incident.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// What to list.
#[derive(Debug, Default, Clone)]
pub struct IncidentFilter {
    /// Only this requester's (customers see only their own).
    pub requester_user_id: Option<Uuid>,
    /// Only in this status.
    pub status: Option<Status>,
    /// Only with this priority.
    pub priority: Option<Priority>,
    /// Only assigned to this agent.
    pub assignee_id: Option<Uuid>,
    /// Only in this category.
    pub category: Option<Category>,
    /// Only for this customer record.
    pub customer_id: Option<Uuid>,
    /// Only breached ones.
    pub breached: bool,
    /// Only those falling due before this time.
    pub due_before: Option<OffsetDateTime>,
    /// Only those neither breached nor falling due before this time.
    pub on_track_after: Option<OffsetDateTime>,
    /// Only those nobody is assigned.
    pub unassigned: bool,
    /// Only those that still need work (new, open, pending, on hold).
    pub active: bool,
    /// Only those whose requester has this email (any case).
    pub requester_email: Option<String>,
}

/// A position in the queue, which is sorted by due time (none last), then id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor {
    /// The sort key: the due time as stored, or a sentinel after every time.
    pub due: String,
    /// The id.
    pub id: Uuid,
}

/// Sorts after every stored time: incidents with no running clock come last.
const NO_DUE: &str = "9999-12-31T23:59:59.999999Z";

/// The queue: incidents matching `filter`, soonest due first, after `after`, at most `limit`.
pub async fn list_incidents(
    pool: &AnyPool,
    filter: &IncidentFilter,
    after: Option<&QueueCursor>,
    limit: u32,
) -> Result<Vec<(Incident, QueueCursor)>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, COALESCE(next_due_at, '{NO_DUE}') AS sort_due FROM incidents \
         WHERE ($1 IS NULL OR requester_user_id = $1) AND ($2 IS NULL OR status = $2) \
           AND ($3 IS NULL OR priority = $3) AND ($4 IS NULL OR assignee_id = $4) \
           AND ($5 IS NULL OR category = $5) AND ($6 IS NULL OR customer_id = $6) \
           AND ($7 = 0 OR breached = 1) AND ($8 IS NULL OR next_due_at < $8) \
           AND ($12 IS NULL OR (breached = 0 AND (next_due_at IS NULL OR next_due_at >= $12))) \
           AND ($13 = 0 OR assignee_id IS NULL) \
           AND ($14 = 0 OR status IN ('new', 'open', 'pending', 'on_hold')) \
           AND ($15 IS NULL OR lower(requester_email) = lower($15)) \
           AND ($9 IS NULL OR COALESCE(next_due_at, '{NO_DUE}') > $9 \
                OR (COALESCE(next_due_at, '{NO_DUE}') = $9 AND id > $10)) \
         ORDER BY sort_due, id LIMIT $11"
    ))
    .bind(filter.requester_user_id.map(|id| id.to_string()))
    .bind(filter.status.map(Status::as_str))
    .bind(filter.priority.map(Priority::as_str))
    .bind(filter.assignee_id.map(|id| id.to_string()))
    .bind(filter.category.map(Category::as_str))
    .bind(filter.customer_id.map(|id| id.to_string()))
    .bind(i64::from(filter.breached))
    .bind(filter.due_before.map(to_db))
    .bind(after.map(|cursor| cursor.due.clone()))
    .bind(after.map(|cursor| cursor.id.to_string()))
    .bind(i64::from(limit))
    .bind(filter.on_track_after.map(to_db))
    .bind(i64::from(filter.unassigned))
    .bind(i64::from(filter.active))
    .bind(filter.requester_email.clone())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let incident = from_row(row)?;
            let cursor = QueueCursor {
                due: row.try_get("sort_due")?,
                id: incident.id,
            };
            Ok((incident, cursor))
        })
        .collect()
}

/// Incidents resolved before `cutoff` and still resolved (due for automatic closing).
pub async fn resolved_before(
    pool: &AnyPool,
    cutoff: OffsetDateTime,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM incidents WHERE status = 'resolved' AND resolved_at < $1",
    )
    .bind(to_db(cutoff))
    .fetch_all(pool)
    .await?;
    Ok(ids
        .iter()
        .map(|id| uuid(id))
        .collect::<anyhow::Result<_>>()?)
}

/// Incidents whose SLA clocks may run (for the SLA task).
pub async fn active_incident_ids(pool: &AnyPool) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM incidents WHERE status IN ('new', 'open', 'pending', 'on_hold')",
    )
    .fetch_all(pool)
    .await?;
    Ok(ids
        .iter()
        .map(|id| uuid(id))
        .collect::<anyhow::Result<_>>()?)
}

/// Replaces the personal data in the incidents of an erased customer (by record or account):
/// the requester's name and email, the description, the rating comment, and the bodies of the
/// customer's own comments. Returns how many incidents it touched.
pub async fn anonymise_requester(
    transaction: &mut sqlx::Transaction<'static, Any>,
    customer_id: Uuid,
    user_id: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let customer_id = customer_id.to_string();
    let user_id = user_id.map(|id| id.to_string());
    if let Some(user_id) = &user_id {
        sqlx::query(
            "UPDATE incident_events SET body = '[erased]' WHERE author_id = $1 AND body IS NOT NULL",
        )
        .bind(user_id)
        .execute(&mut **transaction)
        .await?;
    }
    let touched = sqlx::query(
        "UPDATE incidents SET requester_name = 'Erased customer', \
         requester_email = 'erased@erased.invalid', \
         description = '[erased at the customer''s request]', rating_comment = NULL, \
         version = version + 1, updated_at = $1 \
         WHERE customer_id = $2 OR (requester_user_id IS NOT NULL AND requester_user_id = $3)",
    )
    .bind(to_db(now))
    .bind(&customer_id)
    .bind(user_id.as_deref().unwrap_or(""))
    .execute(&mut **transaction)
    .await?;
    Ok(touched.rows_affected())
}

/// How the incidents that still need work stand against their SLA.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueSummary {
    /// Neither breached nor falling due before the horizon.
    pub on_track: i64,
    /// Not breached, falling due before the horizon.
    pub at_risk: i64,
    /// A target passed unmet.
    pub breached: i64,
    /// Nobody is assigned.
    pub unassigned: i64,
}

/// Counts the incidents that still need work by SLA state; "at risk" falls due before `soon`.
pub async fn queue_summary(
    pool: &AnyPool,
    soon: OffsetDateTime,
) -> Result<QueueSummary, StoreError> {
    let row = sqlx::query(
        "SELECT \
           COALESCE(SUM(CASE WHEN breached = 1 THEN 1 ELSE 0 END), 0) AS breached, \
           COALESCE(SUM(CASE WHEN breached = 0 AND next_due_at < $1 THEN 1 ELSE 0 END), 0) AS at_risk, \
           COALESCE(SUM(CASE WHEN breached = 0 AND (next_due_at IS NULL OR next_due_at >= $1) \
                        THEN 1 ELSE 0 END), 0) AS on_track, \
           COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned \
         FROM incidents WHERE status IN ('new', 'open', 'pending', 'on_hold')",
    )
    .bind(to_db(soon))
    .fetch_one(pool)
    .await?;
    Ok(QueueSummary {
        on_track: row.try_get("on_track")?,
        at_risk: row.try_get("at_risk")?,
        breached: row.try_get("breached")?,
        unassigned: row.try_get("unassigned")?,
    })
}

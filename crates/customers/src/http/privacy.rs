//! History, export and erasure: what the service holds about a customer, and forgetting it.

use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::http::problems::{Forbidden, NotFound};
use platform::http::{IdPath, Json, Query};
use platform::paging::{Page, PageParams};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{CustomerView, ServiceView};
use crate::app::customers;
use crate::app::privacy;
use crate::error::Error;
use crate::store::{self, AuditEntry};
use crate::{State, app::services};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(export))
        .routes(routes!(erase))
}

/// One audited change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// The entry id.
    pub id: Uuid,
    /// Who acted; `null` for the system.
    pub actor_id: Option<Uuid>,
    /// The actor's role then.
    pub actor_role: Option<String>,
    /// What happened: `customer.created`, `customer.updated`, `customer.linked`,
    /// `customer.deleted`, `customer.restored`, `customer.erased`, `service.added`,
    /// `service.updated`.
    pub action: String,
    /// What changed: `{field: {from, to}}`, or the values set; `{"redacted": true}` after
    /// erasure.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// When (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: entry.id,
            actor_id: entry.actor_id,
            actor_role: entry.actor_role,
            action: entry.action,
            changes: entry.changes,
            at: entry.at,
        }
    }
}

/// Everything the service holds on one customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    /// The record.
    pub customer: CustomerView,
    /// Its services with their histories.
    pub services: Vec<ServiceView>,
    /// Its whole audit trail, oldest first.
    pub history: Vec<AuditEntryView>,
    /// When this export was made (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: time::OffsetDateTime,
}

/// A customer's audit trail, oldest first (agents, administrators).
#[utoipa::path(
    get, path = "/{id}/history", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer id"), PageParams),
    responses(
        (status = 200, description = "A page of the trail", body = Page<AuditEntryView>),
        Forbidden, NotFound,
    )
)]
async fn history(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    Query(paging): Query<PageParams>,
) -> Result<Json<Page<AuditEntryView>>, ApiError> {
    caller.require_staff()?;
    let customer = customers::get(&state, &caller, id).await?;
    let limit = paging.limit()?;
    let after = paging.after_id()?;
    let entries = store::list_audit(state.database.pool(), customer.id, after, Some(limit + 1))
        .await
        .map_err(Error::from)?;
    let page = Page::from_rows(entries, limit, |entry| entry.id.to_string());
    Ok(Json(page.map(AuditEntryView::from)))
}

/// Everything held on a customer as one JSON document (the customer itself, or staff).
#[utoipa::path(
    get, path = "/{id}/export", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer id")),
    responses(
        (status = 200, description = "The export", body = Export),
        NotFound,
    )
)]
async fn export(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let customer = customers::get(&state, &caller, id).await?;
    let services = services::with_histories(&state, customer.id).await?;
    let history = store::list_audit(state.database.pool(), customer.id, None, None)
        .await
        .map_err(Error::from)?;
    let disposition = format!("attachment; filename=\"customer-{}.json\"", customer.id);
    Ok((
        [(axum::http::header::CONTENT_DISPOSITION, disposition)],
        Json(Export {
            customer: customer.into(),
            services: services
                .into_iter()
                .map(|(s, h)| ServiceView::new(s, h))
                .collect(),
            history: history.into_iter().map(AuditEntryView::from).collect(),
            exported_at: platform::time::now(),
        }),
    ))
}

/// Erase a customer's personal data (administrators): name, email, phone, birth date and
/// addresses are replaced and the audit trail redacted; the id stays, so orders and incidents
/// remain consistent. Erasing twice answers the erased record.
#[utoipa::path(
    post, path = "/{id}/erase", tag = "customers", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer id")),
    responses(
        (status = 200, description = "The erased record", body = CustomerView),
        Forbidden, NotFound,
    )
)]
async fn erase(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<CustomerView>, ApiError> {
    Ok(Json(
        privacy::erase(&state, Some(&caller), id).await?.into(),
    ))
}

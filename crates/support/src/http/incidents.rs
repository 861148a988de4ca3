//! `/incidents`: opening, the queue, reading, staff changes, status moves, claiming, merging and
//! satisfaction.

use axum::extract::OriginalUri;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Allowed, Staff};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale};
use platform::http::{Created, IdPath, IfMatch, Json, Query};
use platform::idempotency::{self, Begin, IdempotencyKey};
use platform::paging::{Page, PageParams};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::PREFIX;
use crate::app::incidents::{self, IncidentChange, NewIncident, mover};
use crate::app::views::{IncidentView, incident_view};
use crate::domain::incident::{Category, Priority};
use crate::domain::status::Status;
use crate::store::{self, IncidentFilter, QueueCursor};
use crate::{State, error::Error};

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(create_incident, list_incidents))
        .routes(routes!(get_incident, update_incident))
        .routes(routes!(change_status))
        .routes(routes!(claim_incident))
        .routes(routes!(merge_incident))
        .routes(routes!(rate_incident))
        .routes(routes!(summarise_queue))
}

async fn respond(
    state: &State,
    caller: &Caller,
    incident: &store::Incident,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let view = incident_view(state, state.database.pool(), incident, mover(caller))
        .await
        .map_err(Error::from)?;
    Ok((status, [platform::http::etag(view.version)], Json(view)).into_response())
}

/// Open an incident: a customer for itself, staff on behalf of a customer. Send an
/// `Idempotency-Key` to make retries safe: the same key and body answer the first response.
#[utoipa::path(
    post, path = "/incidents", tag = "support", security(("bearer" = [])),
    request_body = NewIncident,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (24 hours)")),
    responses(
        (status = 201, description = "Opened (and assigned, when automatic assignment is on)", body = IncidentView),
        (status = 409, description = "A request with this key is still running", body = Problem, content_type = "application/problem+json"),
        Invalid,
    )
)]
async fn create_incident(
    state: State,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    OriginalUri(uri): OriginalUri,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, ApiError> {
    let input: NewIncident = platform::http::from_json_value(body.clone())?;
    let Some(key) = key else {
        let (view, _) = incidents::create(&state, &caller, input, None).await?;
        return Ok(created(view));
    };
    let hash = idempotency::request_hash("POST", uri.path(), body.to_string().as_bytes());
    match idempotency::begin(&state.database, &caller.user_id.to_string(), &key, &hash).await? {
        Begin::Replay { status, body } => Ok(idempotency::replay_response(status, body)),
        Begin::Fresh(claim) => {
            match incidents::create(&state, &caller, input, Some(&claim)).await {
                Ok((view, _)) => Ok(created(view)),
                Err(error) => {
                    claim.abandon(&state.database).await;
                    Err(error.into())
                }
            }
        }
    }
}

fn created(view: IncidentView) -> Response {
    let (location, version) = (format!("{PREFIX}/incidents/{}", view.id), view.version);
    Created::at(location, view)
        .with_version(version)
        .into_response()
}

/// The queue's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only in this status.
    pub status: Option<Status>,
    /// Only with this priority.
    pub priority: Option<Priority>,
    /// Only assigned to this agent.
    pub assignee: Option<Uuid>,
    /// Only in this category.
    pub category: Option<Category>,
    /// Only for this customer record.
    pub customer: Option<Uuid>,
    /// Only opened by this account (user id; staff, as customers see only their own).
    pub requester: Option<Uuid>,
    /// Only those whose requester has this email, in any case (staff).
    pub email: Option<String>,
    /// `breached`: an SLA target passed unmet; `due_soon`: a target falls due within an hour;
    /// `on_track`: neither.
    #[param(inline)]
    pub sla: Option<SlaFilter>,
    /// `true`: only those nobody is assigned.
    pub unassigned: Option<bool>,
    /// `true`: only those that still need work (new, open, pending, on hold).
    pub active: Option<bool>,
    /// How many, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// SLA filters of the queue.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaFilter {
    /// A target passed unmet.
    Breached,
    /// A target falls due within the hour.
    DueSoon,
    /// Neither breached nor due within the hour.
    OnTrack,
}

/// The queue: customers see their own incidents; staff all, filtered. Soonest SLA due first
/// (incidents with no running clock last).
#[utoipa::path(
    get, path = "/incidents", tag = "support", security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of incidents", body = Page<IncidentView>),
        Invalid,
    )
)]
async fn list_incidents(
    state: State,
    caller: Caller,
    Query(query): Query<QueueQuery>,
) -> Result<Json<Page<IncidentView>>, ApiError> {
    incidents::note_agent(&state, &caller).await?;
    let paging = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = paging.limit()?;
    let bad_cursor = platform::paging::forged_cursor;
    let after = paging
        .cursor()?
        .map(|cursor| {
            let (due, id) = cursor.split_once('|').ok_or_else(bad_cursor)?;
            Ok::<_, ApiError>(QueueCursor {
                due: due.to_owned(),
                id: Uuid::parse_str(id).map_err(|_| bad_cursor())?,
            })
        })
        .transpose()?;
    let soon = state.clock.now() + time::Duration::hours(1);
    let filter = IncidentFilter {
        requester_user_id: if caller.role.is_staff() {
            query.requester
        } else {
            Some(caller.user_id)
        },
        status: query.status,
        priority: query.priority,
        assignee_id: query.assignee,
        category: query.category,
        customer_id: query.customer,
        breached: matches!(query.sla, Some(SlaFilter::Breached)),
        due_before: matches!(query.sla, Some(SlaFilter::DueSoon)).then_some(soon),
        on_track_after: matches!(query.sla, Some(SlaFilter::OnTrack)).then_some(soon),
        unassigned: query.unassigned.unwrap_or(false),
        active: query.active.unwrap_or(false),
        requester_email: query.email.filter(|_| caller.role.is_staff()),
    };
    let rows = store::list_incidents(state.database.pool(), &filter, after.as_ref(), limit + 1)
        .await
        .map_err(Error::from)?;
    let has_more = rows.len() > limit as usize;
    let mut items = Vec::new();
    let mut last = None;
    for (incident, cursor) in rows.into_iter().take(limit as usize) {
        items.push(
            incident_view(&state, state.database.pool(), &incident, mover(&caller))
                .await
                .map_err(Error::from)?,
        );
        last = Some(cursor);
    }
    let next_cursor = last
        .filter(|_| has_more)
        .map(|c| URL_SAFE_NO_PAD.encode(format!("{}|{}", c.due, c.id)));
    Ok(Json(Page { items, next_cursor }))
}

/// One incident, with its SLA clocks now.
#[utoipa::path(
    get, path = "/incidents/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident id")),
    responses(
        (status = 200, description = "The incident; ETag is its version", body = IncidentView),
        NotFound,
    )
)]
async fn get_incident(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Response, ApiError> {
    let incident = incidents::get(&state, &caller, id).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// Change priority, category or assignee (staff). Send `If-Match` to be told (412) when the
/// incident changed since you read it.
#[utoipa::path(
    patch, path = "/incidents/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident id")),
    request_body = IncidentChange,
    responses(
        (status = 200, description = "The changed incident", body = IncidentView),
        (status = 409, description = "Closed or merged", body = Problem, content_type = "application/problem+json"),
        Forbidden, Stale, Invalid,
    )
)]
async fn update_incident(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
    Json(body): Json<IncidentChange>,
) -> Result<Response, ApiError> {
    let incident = incidents::update(&state, &caller, id, &if_match, body).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// A status move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub to: Status,
    /// Why, up to 1,000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Move an incident to another status, as the transition table allows the caller (docs/support.md).
#[utoipa::path(
    post, path = "/incidents/{id}/status", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved", body = IncidentView),
        (status = 409, description = "Not a move the caller may make from here", body = Problem, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn change_status(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<StatusChange>,
) -> Result<Response, ApiError> {
    let incident = incidents::change_status(&state, &caller, id, body.to, body.reason).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// Take an incident (agents).
#[utoipa::path(
    post, path = "/incidents/{id}/claim", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident id")),
    responses(
        (status = 200, description = "Assigned to the caller", body = IncidentView),
        Forbidden,
    )
)]
async fn claim_incident(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
) -> Result<Response, ApiError> {
    let incident = incidents::claim(&state, &caller, id).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// A merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The incident that carries on.
    pub into: Uuid,
}

/// Merge an incident into another of the same customer (staff): the conversation is copied
/// into the target; this one becomes `merged` and points to it.
#[utoipa::path(
    post, path = "/incidents/{id}/merge", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident to merge")),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "The merged incident", body = IncidentView),
        (status = 409, description = "Closed, merged, or another customer's", body = Problem, content_type = "application/problem+json"),
        Forbidden, Invalid,
    )
)]
async fn merge_incident(
    state: State,
    Allowed(caller, _): Allowed<Staff>,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<MergeRequest>,
) -> Result<Response, ApiError> {
    caller.require_staff()?;
    let incident = crate::app::merging::merge(&state, &caller, id, body.into).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// A satisfaction rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (bad) to 5 (excellent).
    pub rating: i64,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Rate a resolved incident (its customer, once).
#[utoipa::path(
    post, path = "/incidents/{id}/satisfaction", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The incident id")),
    request_body = Rating,
    responses(
        (status = 200, description = "Rated", body = IncidentView),
        (status = 409, description = "Not resolved yet, or rated already", body = Problem, content_type = "application/problem+json"),
        Forbidden, Invalid,
    )
)]
async fn rate_incident(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    Json(body): Json<Rating>,
) -> Result<Response, ApiError> {
    let incident =
        crate::app::satisfaction::rate(&state, &caller, id, body.rating, body.comment).await?;
    respond(&state, &caller, &incident, StatusCode::OK).await
}

/// How the incidents that still need work stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueSummaryView {
    /// Neither breached nor due within the hour.
    pub on_track: i64,
    /// Not breached, due within the hour.
    pub at_risk: i64,
    /// An SLA target passed unmet.
    pub breached: i64,
    /// Nobody is assigned.
    pub unassigned: i64,
}

/// The incidents that still need work (new, open, pending, on hold) counted by SLA state, and
/// those nobody is assigned (staff).
#[utoipa::path(
    get, path = "/queue-summary", tag = "support", security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = QueueSummaryView),
        Forbidden,
    )
)]
async fn summarise_queue(
    state: State,
    _staff: Allowed<Staff>,
) -> Result<Json<QueueSummaryView>, ApiError> {
    let soon = state.clock.now() + time::Duration::hours(1);
    let summary = store::queue_summary(state.database.pool(), soon)
        .await
        .map_err(Error::from)?;
    Ok(Json(QueueSummaryView {
        on_track: summary.on_track,
        at_risk: summary.at_risk,
        breached: summary.breached,
        unassigned: summary.unassigned,
    }))
}

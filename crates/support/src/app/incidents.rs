//! Incidents: who sees which, staff changes, status moves and claiming. Opening one (with
//! automatic assignment) is in `opening.rs`, merging and satisfaction in their own files.
//!
//! Visibility: staff see every incident; a customer only those it requested. Any other is
//! "not found", never "forbidden".

use contracts::auth::Role;
use contracts::events::support::IncidentStatusChanged;
use platform::auth::Caller;
use platform::events::Tx;
use platform::http::IfMatch;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::views::{self, cache_sla};
use crate::domain::incident::{Category, Priority};
use crate::domain::status::{Mover, Status, may_move};
use crate::error::Error;
use crate::store::{self, Event, Incident};

pub use super::opening::{NewIncident, OnBehalfOf, create};

/// Longest description or comment.
pub const MAX_TEXT: usize = 10_000;

/// A staff change to an incident: absent fields stay; `assignee_id: null` unassigns.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentChange {
    /// The priority.
    pub priority: Option<Priority>,
    /// The category.
    pub category: Option<Category>,
    /// The agent to work it, or `null`.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
}

/// Who moves an incident when this caller acts.
pub fn mover(caller: &Caller) -> Mover {
    if caller.is_staff() {
        Mover::Staff
    } else {
        Mover::Customer
    }
}

/// An event by `caller` (or by Tienda itself).
pub fn event(
    incident_id: Uuid,
    caller: Option<&Caller>,
    kind: &str,
    data: Value,
    at: OffsetDateTime,
) -> Event {
    Event {
        id: Uuid::now_v7(),
        incident_id,
        kind: kind.to_owned(),
        author_id: caller.map(|c| c.user_id),
        author_role: Some(caller.map_or("system", |c| c.role.as_str()).to_owned()),
        body: None,
        internal: false,
        data,
        at,
    }
}

/// Agents become known to support from identity's events; an agent whose role predates them is
/// learned on its first call.
pub async fn note_agent(state: &State, caller: &Caller) -> Result<(), Error> {
    if caller.role == Role::Agent {
        store::ensure_agent(
            state.database.pool(),
            caller.user_id,
            &caller.name,
            state.clock.now(),
        )
        .await?;
    }
    Ok(())
}

/// An incident the caller may see.
pub async fn get(state: &State, caller: &Caller, id: Uuid) -> Result<Incident, Error> {
    store::find_incident(state.database.pool(), id)
        .await?
        .filter(|incident| caller.is_staff() || incident.requester_user_id == Some(caller.user_id))
        .ok_or(Error::NotFound)
}

/// Writes `next` over `current` with `events`, refreshing the SLA cache from the new history;
/// a breach found now is recorded, once.
pub async fn save(
    state: &State,
    current: &Incident,
    mut next: Incident,
    events: Vec<Event>,
) -> Result<Incident, Error> {
    let now = state.clock.now();
    let mut transaction = state.database.begin().await?;
    for event in &events {
        store::insert_event(&mut *transaction, event).await?;
    }
    let timeline = views::timeline(&mut *transaction, &next).await?;
    let sla = views::sla(state, &next, &timeline, now);
    cache_sla(&mut next, &sla);
    if next.breached && !current.breached {
        let clocks: Vec<&str> = [
            ("first_response", sla.first_response.breached),
            ("resolution", sla.resolution.breached),
        ]
        .into_iter()
        .filter_map(|(name, breached)| breached.then_some(name))
        .collect();
        tracing::warn!(incident = %next.id, ?clocks, "SLA breached");
        store::insert_event(
            &mut *transaction,
            &event(
                next.id,
                None,
                "sla_breached",
                json!({"clocks": clocks}),
                now,
            ),
        )
        .await?;
    }
    next.version = current.version;
    let saved = store::update_incident(&mut transaction, &next, now).await?;
    publish_status_change(state, &mut transaction, current, &saved).await?;
    state.events.commit(transaction).await?;
    Ok(saved)
}

/// Announces a move from `before`'s status to `after`'s, if there was one, in `transaction`.
pub(crate) async fn publish_status_change(
    state: &State,
    transaction: &mut Tx,
    before: &Incident,
    after: &Incident,
) -> Result<(), Error> {
    if before.status != after.status {
        let moved = IncidentStatusChanged {
            incident_id: after.id,
            from: before.status.as_str().to_owned(),
            to: after.status.as_str().to_owned(),
        };
        state.events.publish(transaction, &moved).await?;
    }
    Ok(())
}

pub(crate) fn writable(incident: &Incident) -> Result<(), Error> {
    if incident.status.is_read_only() {
        Err(Error::Conflict(format!(
            "The incident is {} and can no longer change.",
            incident.status.as_str()
        )))
    } else {
        Ok(())
    }
}

/// Staff change priority, category or assignee.
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
    change: IncidentChange,
) -> Result<Incident, Error> {
    caller.require_staff()?;
    note_agent(state, caller).await?;
    let current = get(state, caller, id).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    writable(&current)?;
    let now = state.clock.now();
    let mut next = current.clone();
    let mut events = Vec::new();
    if let Some(priority) = change.priority.filter(|p| *p != current.priority) {
        next.priority = priority;
        events.push(event(
            id,
            Some(caller),
            "priority",
            json!({"from": current.priority.as_str(), "to": priority.as_str()}),
            now,
        ));
    }
    if let Some(category) = change.category.filter(|c| *c != current.category) {
        next.category = category;
        events.push(event(
            id,
            Some(caller),
            "category",
            json!({"from": current.category.as_str(), "to": category.as_str()}),
            now,
        ));
    }
    if let Some(assignee) = change.assignee_id.filter(|a| *a != current.assignee_id) {
        if let Some(agent) = assignee
            && store::find_agent(state.database.pool(), agent)
                .await?
                .is_none()
        {
            return Err(Error::invalid("assignee_id", "unknown", "no such agent"));
        }
        next.assignee_id = assignee;
        events.push(event(
            id,
            Some(caller),
            "assignment",
            json!({"from": current.assignee_id, "to": assignee, "how": "manual"}),
            now,
        ));
    }
    if events.is_empty() {
        return Ok(current);
    }
    save(state, &current, next, events).await
}

/// Moves an incident, if the table allows it for this caller.
pub async fn change_status(
    state: &State,
    caller: &Caller,
    id: Uuid,
    to: Status,
    reason: Option<String>,
) -> Result<Incident, Error> {
    note_agent(state, caller).await?;
    let current = get(state, caller, id).await?;
    writable(&current)?;
    let reason = reason
        .map(|text| clean_text("reason", &text, 1, 1000).map_err(|e| Error::Invalid(vec![e])))
        .transpose()?;
    move_to(state, Some(caller), mover(caller), &current, to, reason).await
}

/// Moves `current` to `to` as `mover`, or 409.
pub async fn move_to(
    state: &State,
    caller: Option<&Caller>,
    mover: Mover,
    current: &Incident,
    to: Status,
    reason: Option<String>,
) -> Result<Incident, Error> {
    if !may_move(current.status, to, mover) {
        return Err(Error::Conflict(format!(
            "An incident cannot go from {} to {} this way.",
            current.status.as_str(),
            to.as_str()
        )));
    }
    let now = state.clock.now();
    let mut next = current.clone();
    next.status = to;
    if to == Status::Resolved {
        next.resolved_at = Some(now);
    }
    let data = json!({"from": current.status.as_str(), "to": to.as_str(), "reason": reason});
    save(
        state,
        current,
        next,
        vec![event(current.id, caller, "status", data, now)],
    )
    .await
}

/// An agent takes an incident.
pub async fn claim(state: &State, caller: &Caller, id: Uuid) -> Result<Incident, Error> {
    if caller.role != Role::Agent {
        return Err(Error::Forbidden);
    }
    let change = IncidentChange {
        assignee_id: Some(Some(caller.user_id)),
        ..IncidentChange::default()
    };
    update(state, caller, id, &IfMatch::Absent, change).await
}

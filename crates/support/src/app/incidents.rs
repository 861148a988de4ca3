//! Incidents: who sees which, opening them (with automatic assignment), the queue, staff
//! changes, status moves, claiming, merging and satisfaction.
//!
//! Visibility: staff see every incident; a customer only those it requested. Any other is
//! "not found", never "forbidden".

use contracts::Email;
use contracts::auth::Role;
use contracts::events::support::{IncidentOpened, IncidentStatusChanged};
use platform::FieldError;
use platform::auth::Caller;
use platform::events::Tx;
use platform::http::IfMatch;
use platform::idempotency::Claim;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::Any;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::views::{self, IncidentView, cache_sla};
use crate::config::Assignment;
use crate::domain::incident::{Category, Priority, Related, RelatedKind};
use crate::domain::status::{Mover, Status, may_move};
use crate::error::Error;
use crate::store::{self, Event, Incident};

/// Longest subject.
const MAX_SUBJECT: usize = 200;
/// Longest description or comment.
pub const MAX_TEXT: usize = 10_000;

/// A new incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    /// One line, 1 to 200 characters.
    pub subject: String,
    /// What happened, 1 to 10,000 characters.
    pub description: String,
    /// What it is about.
    pub category: Category,
    /// What it relates to (a product, order or contracted service).
    #[serde(default)]
    pub related: Option<Related>,
    /// Staff only: the priority (default `normal`).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Staff only: the customer it is opened for.
    #[serde(default)]
    pub customer: Option<OnBehalfOf>,
}

/// The customer staff open an incident for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnBehalfOf {
    /// The customer's account, if it has one (it will then see the incident).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The customer record, if known.
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// The customer's name.
    pub name: String,
    /// The customer's email.
    pub email: String,
}

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

fn requester(
    caller: &Caller,
    on_behalf: Option<OnBehalfOf>,
    errors: &mut Vec<FieldError>,
) -> (Option<Uuid>, Option<Uuid>, String, String) {
    match on_behalf {
        None => (
            Some(caller.user_id),
            None,
            caller.name.clone(),
            caller.email.clone(),
        ),
        Some(customer) => {
            let name = clean_text("customer.name", &customer.name, 1, 100)
                .map_err(|e| errors.push(e))
                .unwrap_or_default();
            let email = Email::parse(&customer.email)
                .map(|email| email.to_string())
                .map_err(|e| {
                    errors.push(FieldError::new("customer.email", "invalid", e.to_string()))
                })
                .unwrap_or_default();
            (customer.user_id, customer.customer_id, name, email)
        }
    }
}

async fn pick_agent(
    state: &State,
    transaction: &mut sqlx::Transaction<'static, Any>,
) -> Result<Option<Uuid>, Error> {
    match state.assignment {
        Assignment::Off => Ok(None),
        Assignment::RoundRobin => Ok(store::next_round_robin(&mut **transaction).await?),
        Assignment::LeastOpen => {
            let counts = store::open_counts(&mut **transaction).await?;
            let agents = store::list_agents(&mut **transaction).await?;
            Ok(counts
                .into_iter()
                .filter_map(|(id, count)| {
                    agents
                        .iter()
                        .find(|a| a.user_id == id)
                        .map(|a| (count, a.assigned_turn, id))
                })
                .min()
                .map(|(_, _, id)| id))
        }
    }
}

/// Opens an incident; with a claim, records the answer in the same transaction (idempotency).
/// Returns the incident as the API shows it, and its JSON.
pub async fn create(
    state: &State,
    caller: &Caller,
    input: NewIncident,
    claim: Option<&Claim>,
) -> Result<(IncidentView, String), Error> {
    note_agent(state, caller).await?;
    let mut errors = Vec::new();
    let subject = clean_text("subject", &input.subject, 1, MAX_SUBJECT)
        .map_err(|e| errors.push(e))
        .ok();
    let description = clean_text("description", &input.description, 1, MAX_TEXT)
        .map_err(|e| errors.push(e))
        .ok();
    if !caller.is_staff() {
        for (field, given) in [
            ("priority", input.priority.is_some()),
            ("customer", input.customer.is_some()),
        ] {
            if given {
                errors.push(FieldError::new(field, "not_allowed", "only staff set this"));
            }
        }
    }
    let (requester_user_id, customer_id, requester_name, requester_email) =
        requester(caller, input.customer, &mut errors);
    let (Some(subject), Some(description), true) = (subject, description, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    // A customer's incident about an order must be about one of its own orders (as far as
    // support has heard: an order whose `order.placed` is still on its way is taken on trust).
    if let Some(related) = &input.related
        && related.kind == RelatedKind::Order
        && !caller.role.is_staff()
        && store::order_owner(state.database.pool(), related.id)
            .await?
            .is_some_and(|owner| owner != caller.user_id)
    {
        return Err(Error::invalid(
            "related.id",
            "unknown",
            "you have no order with this id",
        ));
    }
    let now = state.clock.now();
    let mut transaction = state.database.begin().await?;
    store::lock_agents(&mut transaction, state.database.backend()).await?;
    let assignee_id = pick_agent(state, &mut transaction).await?;
    if let Some(agent) = assignee_id {
        store::touch_assigned(&mut *transaction, agent).await?;
    }
    let mut incident = Incident {
        id: Uuid::now_v7(),
        subject,
        description,
        category: input.category,
        priority: input.priority.unwrap_or(Priority::Normal),
        status: Status::New,
        requester_user_id,
        customer_id,
        requester_name,
        requester_email,
        related: input.related,
        assignee_id,
        merged_into: None,
        first_response_at: None,
        resolved_at: None,
        next_due_at: None,
        breached: false,
        rating: None,
        rating_comment: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let opened = crate::domain::sla::Timeline {
        statuses: vec![(views::to_jiff(now), Status::New)],
        first_response_at: None,
    };
    let sla = views::sla(state, &incident, &opened, now);
    cache_sla(&mut incident, &sla);
    store::insert_incident(&mut *transaction, &incident).await?;
    let created = json!({"status": "new", "priority": incident.priority.as_str(), "category": incident.category.as_str()});
    store::insert_event(
        &mut *transaction,
        &event(incident.id, Some(caller), "created", created, now),
    )
    .await?;
    if let Some(agent) = assignee_id {
        store::insert_event(
            &mut *transaction,
            &event(
                incident.id,
                None,
                "assignment",
                json!({"from": null, "to": agent, "how": "automatic"}),
                now,
            ),
        )
        .await?;
    }
    let view = views::incident_view(state, &mut *transaction, &incident).await?;
    let body = serde_json::to_string(&view).map_err(anyhow::Error::from)?;
    if let Some(claim) = claim {
        claim.complete(&mut *transaction, 201, &body).await?;
    }
    let opened = IncidentOpened {
        incident_id: incident.id,
        customer_id: incident.customer_id,
        requester_user_id: incident.requester_user_id,
        category: incident.category.as_str().to_owned(),
        priority: incident.priority.as_str().to_owned(),
    };
    state.events.publish(&mut transaction, &opened).await?;
    state.events.commit(transaction).await?;
    Ok((view, body))
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

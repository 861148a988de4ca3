//! Opening an incident: for oneself or (staff) on a customer's behalf, idempotent by key,
//! related to an order, product or contracted service, and assigned to an agent at once when
//! assignment is on.

use contracts::Email;
use contracts::events::support::IncidentOpened;
use platform::FieldError;
use platform::auth::Caller;
use platform::idempotency::Claim;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::json;
use sqlx::Any;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::views::{self, IncidentView, cache_sla};
use crate::config::Assignment;
use crate::domain::incident::{Category, Priority, Related, RelatedKind};
use crate::domain::status::Status;
use crate::error::Error;
use crate::store::{self, Incident};

use super::incidents::{MAX_TEXT, event, note_agent};

/// Longest subject.
const MAX_SUBJECT: usize = 200;

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
    let view = views::incident_view(
        state,
        &mut *transaction,
        &incident,
        super::incidents::mover(caller),
    )
    .await?;
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

//! The support desk: the queue (filtered, soonest SLA due first, with the time left in business
//! time) and the incident page (the conversation with internal notes set apart, reply or note,
//! the moves the transition table allows, claim, reassign, priority, merge, what it is about and
//! the customer beside it).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::support::{Agent, Incident, Sla, SlaClock};
use serde::Deserialize;
use uuid::Uuid;

use super::super::{FieldErrors, local_path, parse_id, render, render_with, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::{CallError, QueueFilter};
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/incidents", get(queue_page))
        .route("/admin/incidents/{id}", get(incident_page))
        .route("/admin/incidents/{id}/comments", post(comment))
        .route("/admin/incidents/{id}/status", post(move_to))
        .route("/admin/incidents/{id}/claim", post(claim))
        .route("/admin/incidents/{id}/assignment", post(reassign))
        .route("/admin/incidents/{id}/merge", post(merge))
}

const STATUSES: [&str; 7] = [
    "new", "open", "pending", "on_hold", "resolved", "closed", "merged",
];
const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
const SLA_STATES: [&str; 3] = ["on_track", "due_soon", "breached"];
const ASSIGNEES: [&str; 2] = ["mine", "unassigned"];

/// How many incidents a page of the queue shows.
const QUEUE_PAGE: u32 = 50;

/// A clock with less than this left is at risk.
const AT_RISK_SECS: i64 = 3600;

/// Where an incident stands against its SLA.
#[derive(Debug, Clone)]
pub struct SlaBadge {
    /// `breached` or `due_soon` (a class).
    pub state: &'static str,
    /// In words.
    pub label: String,
}

/// The clock that runs now: the first response until it is met, then the resolution.
fn running(sla: &Sla) -> Option<&SlaClock> {
    [&sla.first_response, &sla.resolution]
        .into_iter()
        .find(|clock| clock.met.is_none() && clock.target_secs > 0)
}

/// A length of business time, to the minute: `2 d 3 h`, `3 h 20 min`, `12 min`.
fn duration(secs: i64) -> String {
    let minutes = secs.unsigned_abs().div_ceil(60);
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) if minutes == 0 => format!("{hours} h"),
        (0, _) => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}

/// The time left (or over) and the badge of an incident.
fn sla_words(incident: &Incident, words: Words) -> (String, Option<SlaBadge>) {
    let breached = incident.sla.first_response.breached || incident.sla.resolution.breached;
    let breach = breached.then(|| SlaBadge {
        state: "breached",
        label: words.t("sla-breached"),
    });
    let Some(clock) = running(&incident.sla) else {
        return ("—".to_owned(), breach);
    };
    if clock.paused {
        return (words.t("sla-paused"), breach);
    }
    let left = if clock.remaining_secs >= 0 {
        words.t1("sla-left", "time", duration(clock.remaining_secs))
    } else {
        words.t1("sla-over", "time", duration(clock.remaining_secs))
    };
    let badge = breach.or_else(|| {
        (clock.remaining_secs < AT_RISK_SECS).then(|| SlaBadge {
            state: "due_soon",
            label: words.t("sla-at-risk"),
        })
    });
    (left, badge)
}

/// An incident in the queue.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// Its id.
    pub id: Uuid,
    /// One line.
    pub subject: String,
    /// The customer's name.
    pub customer: String,
    /// Its status (a class).
    pub status: String,
    /// Its status in words.
    pub status_label: String,
    /// Its priority (a class).
    pub priority: String,
    /// Its priority in words.
    pub priority_label: String,
    /// Who works it.
    pub assignee: String,
    /// Business time left, or over.
    pub left: String,
    /// At risk, breached or paused.
    pub badge: Option<SlaBadge>,
    /// The caller may take it.
    pub claimable: bool,
}

fn queue_row(
    incident: Incident,
    names: &HashMap<Uuid, String>,
    me: Uuid,
    words: Words,
) -> QueueRow {
    let (left, badge) = sla_words(&incident, words);
    let active = matches!(
        incident.status.as_str(),
        "new" | "open" | "pending" | "on_hold"
    );
    QueueRow {
        id: incident.id,
        customer: incident.requester_name.clone(),
        status_label: words.t(&format!("desk-status-{}", incident.status)),
        priority_label: words.t(&format!("priority-{}", incident.priority)),
        assignee: match incident.assignee_id {
            Some(id) if id == me => words.t("desk-me"),
            Some(id) => names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| words.t("desk-someone")),
            None => words.t("desk-nobody"),
        },
        claimable: active && incident.assignee_id != Some(me),
        left,
        badge,
        status: incident.status,
        priority: incident.priority,
        subject: incident.subject,
    }
}

/// A choice of a filter: its value, its label, whether chosen.
pub type Choice = (&'static str, String, bool);

fn choices(values: &[&'static str], prefix: &str, chosen: &str, words: Words) -> Vec<Choice> {
    values
        .iter()
        .map(|value| {
            (
                *value,
                words.t(&format!("{prefix}{value}")),
                *value == chosen,
            )
        })
        .collect()
}

/// The queue's filters, as the form sends them.
#[derive(Debug, Clone, Default, Deserialize)]
struct QueueParams {
    /// Empty: those that need work; `all`; or one status.
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    /// Empty: anyone's; `mine`; `unassigned`.
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    sla: String,
    cursor: Option<String>,
}

/// The support queue.
#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueueView {
    layout: Layout,
    menu: Vec<MenuLink>,
    rows: Vec<QueueRow>,
    statuses: Vec<Choice>,
    all_statuses: bool,
    priorities: Vec<Choice>,
    assignees: Vec<Choice>,
    sla_states: Vec<Choice>,
    next: Option<String>,
    here: String,
}

async fn queue_page(
    visit: Visit,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Desk).await?;
    let known = |value: &str, list: &[&str]| list.contains(&value).then(|| value.to_owned());
    let filter = QueueFilter {
        status: known(&params.status, &STATUSES),
        active: params.status.is_empty(),
        priority: known(&params.priority, &PRIORITIES),
        assignee: (params.assignee == "mine").then_some(desk.user_id),
        unassigned: params.assignee == "unassigned",
        sla: known(&params.sla, &SLA_STATES),
        customer: None,
        requester: None,
        email: None,
        limit: QUEUE_PAGE,
        cursor: params.cursor.clone(),
    };
    let support = &desk.visit.state.clients.support;
    let (page, agents) = tokio::join!(
        support.queue(&desk.token, &filter),
        support.agents(&desk.token)
    );
    let page = match page {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor or filter from an old or forged link: the queue from the top.
            return Ok(see("/admin/incidents"));
        }
        Err(error) => return Err(error.into()),
    };
    let names = agent_names(agents?);
    let words = desk.visit.words();
    let query = |cursor: Option<&str>| {
        let mut pairs = vec![
            ("status", params.status.as_str()),
            ("priority", params.priority.as_str()),
            ("assignee", params.assignee.as_str()),
            ("sla", params.sla.as_str()),
        ];
        pairs.retain(|(_, value)| !value.is_empty());
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    };
    render(&QueueView {
        rows: page
            .items
            .into_iter()
            .map(|incident| queue_row(incident, &names, desk.user_id, words))
            .collect(),
        statuses: choices(&STATUSES, "desk-status-", &params.status, words),
        all_statuses: params.status == "all",
        priorities: choices(&PRIORITIES, "priority-", &params.priority, words),
        assignees: choices(&ASSIGNEES, "desk-assignee-", &params.assignee, words),
        sla_states: choices(&SLA_STATES, "desk-sla-", &params.sla, words),
        next: page
            .next_cursor
            .map(|cursor| format!("/admin/incidents?{}", query(Some(&cursor)))),
        here: format!("/admin/incidents?{}", query(params.cursor.as_deref())),
        layout: desk.layout(),
        menu: desk.menu,
    })
}

fn agent_names(agents: Vec<Agent>) -> HashMap<Uuid, String> {
    agents
        .into_iter()
        .map(|agent| (agent.id, agent.display_name))
        .collect()
}

/// A message or an event of the conversation, as staff see it.
#[derive(Debug, Clone)]
pub struct DeskEntry {
    /// Who.
    pub who: String,
    /// The text, or what happened.
    pub text: String,
    /// When.
    pub when: String,
    /// A comment (a bubble) rather than an event (a line).
    pub comment: bool,
    /// For staff only.
    pub internal: bool,
    /// Written by staff.
    pub staff: bool,
}

/// What the incident is about, with its state now.
#[derive(Debug, Clone)]
pub struct About {
    /// What it is ("Order 0195…").
    pub label: String,
    /// Its state now.
    pub state: String,
    /// Where to see it.
    pub href: Option<String>,
}

/// The customer, beside the incident.
#[derive(Debug, Clone)]
pub struct CustomerPanel {
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their phone.
    pub phone: Option<String>,
    /// Their record in the back office, when there is one.
    pub href: Option<String>,
}

/// One incident at the desk.
#[derive(Template)]
#[template(path = "admin/incident.html")]
struct DeskIncidentView {
    layout: Layout,
    menu: Vec<MenuLink>,
    incident: Incident,
    row: QueueRow,
    entries: Vec<DeskEntry>,
    moves: Vec<(String, String)>,
    priorities: Vec<Choice>,
    agents: Vec<(Uuid, String, bool)>,
    siblings: Vec<(Uuid, String)>,
    about: Option<About>,
    customer: CustomerPanel,
    open: bool,
    errors: FieldErrors,
    body: String,
}

async fn incident_view(
    desk: &Backstage,
    id: Uuid,
    errors: FieldErrors,
    body: String,
) -> Result<DeskIncidentView, PageError> {
    let clients = &desk.visit.state.clients;
    let token = desk.token.as_str();
    let (incident, history, agents) = tokio::join!(
        clients.support.incident(token, id),
        clients.support.history(token, id),
        clients.support.agents(token)
    );
    let incident = incident?;
    let agents = agents?;
    let words = desk.visit.words();
    let names = agent_names(agents.clone());
    let entries: Vec<DeskEntry> = history?
        .into_iter()
        .filter_map(|event| {
            let staff = event
                .author_role
                .as_deref()
                .is_some_and(|role| matches!(role, "agent" | "admin"));
            let who = match (event.author_role.as_deref(), event.author_id) {
                (Some("customer"), _) => incident.requester_name.clone(),
                (_, Some(author)) if staff => names
                    .get(&author)
                    .cloned()
                    .unwrap_or_else(|| words.t("incident-support")),
                _ => words.t("desk-tienda"),
            };
            let when = words.date_time(&event.at);
            let text = match (event.kind.as_str(), event.body) {
                (_, Some(body)) => {
                    return Some(DeskEntry {
                        who,
                        text: body,
                        when,
                        comment: true,
                        internal: event.internal,
                        staff,
                    });
                }
                ("status", None) => {
                    let to = event.data.get("to").and_then(|to| to.as_str())?;
                    words.t1(
                        "incident-moved",
                        "status",
                        words.t(&format!("desk-status-{to}")),
                    )
                }
                ("assignment", None) => {
                    let to = event
                        .data
                        .get("to")
                        .and_then(|to| to.as_str())
                        .and_then(|to| to.parse::<Uuid>().ok());
                    match to {
                        Some(agent) => words.t1(
                            "desk-assigned",
                            "name",
                            names.get(&agent).cloned().unwrap_or_default(),
                        ),
                        None => words.t("desk-unassigned"),
                    }
                }
                ("priority", None) => {
                    let to = event.data.get("to").and_then(|to| to.as_str())?;
                    words.t1(
                        "desk-priority-set",
                        "priority",
                        words.t(&format!("priority-{to}")),
                    )
                }
                ("sla_breached", None) => words.t("sla-breached"),
                _ => return None,
            };
            Some(DeskEntry {
                who,
                text,
                when,
                comment: false,
                internal: false,
                staff,
            })
        })
        .collect();
    let (about, customer, siblings) = tokio::join!(
        about(desk, &incident),
        customer_panel(desk, &incident),
        siblings(desk, &incident)
    );
    let row = queue_row(incident.clone(), &names, desk.user_id, words);
    Ok(DeskIncidentView {
        moves: incident
            .moves
            .iter()
            .map(|to| (to.clone(), words.t(&format!("desk-move-{to}"))))
            .collect(),
        priorities: choices(&PRIORITIES, "priority-", &incident.priority, words),
        agents: agents
            .into_iter()
            .map(|agent| {
                let chosen = incident.assignee_id == Some(agent.id);
                (agent.id, agent.display_name, chosen)
            })
            .collect(),
        siblings,
        about,
        customer,
        entries,
        open: !matches!(incident.status.as_str(), "closed" | "merged"),
        errors,
        body,
        row,
        incident,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    })
}

/// The order, product or service the incident is about, as it is now; unknown when its
/// service does not answer (the page still shows the incident).
async fn about(desk: &Backstage, incident: &Incident) -> Option<About> {
    let related = incident.related.as_ref()?;
    let clients = &desk.visit.state.clients;
    let words = desk.visit.words();
    let short: String = related.id.to_string().chars().take(8).collect();
    let unknown = words.t("desk-state-unknown");
    Some(match related.kind.as_str() {
        "order" => {
            let order = clients.orders.order(&desk.token, related.id).await.ok();
            About {
                label: words.t1("desk-about-order", "id", short),
                state: order.map_or(unknown, |order| {
                    format!(
                        "{} · {}",
                        words.t(&format!("order-status-{}", order.status)),
                        words.money(&order.total)
                    )
                }),
                href: Some(format!("/admin/orders/{}", related.id)),
            }
        }
        "product" => {
            let product = clients.catalog.product(related.id).await.ok();
            About {
                label: product.as_ref().map_or_else(
                    || words.t1("desk-about-product", "id", &short),
                    |product| product.name.clone(),
                ),
                state: product.map_or(unknown, |product| words.count("desk-stock", product.stock)),
                href: Some(format!("/admin/products/{}", related.id)),
            }
        }
        _ => {
            let services = match incident.customer_id {
                Some(customer) => clients.customers.services(&desk.token, customer).await.ok(),
                None => None,
            };
            let service = services
                .into_iter()
                .flatten()
                .find(|service| service.id == related.id);
            About {
                label: service.as_ref().map_or_else(
                    || words.t1("desk-about-service", "id", &short),
                    |service| service.name.clone(),
                ),
                state: service.map_or(unknown, |service| {
                    words.t(&format!("service-status-{}", service.status))
                }),
                href: None,
            }
        }
    })
}

/// The customer's record when it has one, else what the incident says of them.
async fn customer_panel(desk: &Backstage, incident: &Incident) -> CustomerPanel {
    let record = match incident.customer_id {
        Some(id) => desk
            .visit
            .state
            .clients
            .customers
            .record(&desk.token, id)
            .await
            .ok(),
        None => None,
    };
    match record {
        Some(record) => CustomerPanel {
            href: Some(format!("/admin/customers/{}", record.id)),
            name: format!("{} {}", record.given_name, record.family_name),
            email: record.email,
            phone: record.phone,
        },
        None => CustomerPanel {
            href: None,
            name: incident.requester_name.clone(),
            email: incident.requester_email.clone(),
            phone: None,
        },
    }
}

/// The customer's other incidents that still need work: what this one may merge into.
async fn siblings(desk: &Backstage, incident: &Incident) -> Vec<(Uuid, String)> {
    // The same customer: its record when known, else its account.
    let (customer, requester) = match (incident.customer_id, incident.requester_user_id) {
        (Some(customer), _) => (Some(customer), None),
        (None, Some(requester)) => (None, Some(requester)),
        (None, None) => return Vec::new(),
    };
    let filter = QueueFilter {
        customer,
        requester,
        active: true,
        limit: 100,
        ..QueueFilter::default()
    };
    let page = desk
        .visit
        .state
        .clients
        .support
        .queue(&desk.token, &filter)
        .await;
    page.map(|page| page.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|other| other.id != incident.id)
        .map(|other| (other.id, other.subject))
        .collect()
}

async fn incident_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    render(&incident_view(&desk, id, FieldErrors::default(), String::new()).await?)
}

/// Tells what the desk's service said when it refused a change (a move not allowed now, a
/// closed incident, a change made meanwhile), and goes back to the incident.
async fn refused(
    desk: &Backstage,
    id: Uuid,
    result: Result<Incident, CallError>,
    done: &str,
) -> Result<Response, PageError> {
    let words = desk.visit.words();
    let message = match result {
        Ok(_) => words.t(done),
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::PRECONDITION_FAILED => {
            words.t("desk-stale")
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            refusal
                .problem
                .detail
                .clone()
                .unwrap_or_else(|| words.t("desk-refused"))
        }
        Err(error) => return Err(error.into()),
    };
    desk.visit.flash(message).await?;
    Ok(see(format!("/admin/incidents/{id}")))
}

#[derive(Debug, Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
    /// `reply` (to the customer) or `note` (staff only).
    #[serde(default)]
    kind: String,
}

async fn comment(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    let internal = match form.kind.as_str() {
        "note" => true,
        "reply" => false,
        _ => return Err(PageError::BadRequest),
    };
    let words = desk.visit.words();
    let sent = desk
        .visit
        .state
        .clients
        .support
        .comment(&desk.token, id, form.body.trim(), internal)
        .await;
    let errors = match sent {
        Ok(_) => {
            let done = if internal {
                "flash-note-added"
            } else {
                "flash-reply-sent"
            };
            desk.visit.flash(words.t(done)).await?;
            return Ok(see(format!("/admin/incidents/{id}#conversation")));
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
            ) =>
        {
            let mut errors = FieldErrors::from_refusal(&refusal, &[]);
            if errors.is_empty() {
                errors.add("body", refusal.problem.detail.clone().unwrap_or_default());
            }
            errors
        }
        Err(error) => return Err(error.into()),
    };
    let view = incident_view(&desk, id, errors, form.body).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(default)]
    to: String,
}

async fn move_to(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    if !STATUSES.contains(&form.to.as_str()) {
        return Err(PageError::BadRequest);
    }
    let moved = desk
        .visit
        .state
        .clients
        .support
        .move_to(&desk.token, id, &form.to)
        .await;
    refused(&desk, id, moved, "flash-incident-moved").await
}

#[derive(Debug, Deserialize)]
struct ClaimForm {
    /// Where to go back to (the queue, or the incident).
    next: Option<String>,
}

async fn claim(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ClaimForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    let claimed = desk
        .visit
        .state
        .clients
        .support
        .claim(&desk.token, id)
        .await;
    let back = refused(&desk, id, claimed, "flash-incident-claimed").await?;
    match form.next.as_deref() {
        Some(next) if next.starts_with("/admin/") => Ok(see(local_path(Some(next)))),
        _ => Ok(back),
    }
}

#[derive(Debug, Deserialize)]
struct AssignmentForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    priority: String,
    /// An agent's id, or empty for nobody.
    #[serde(default)]
    assignee: String,
}

async fn reassign(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<AssignmentForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest)?;
    if !PRIORITIES.contains(&form.priority.as_str()) {
        return Err(PageError::BadRequest);
    }
    let assignee = match form.assignee.as_str() {
        "" => None,
        id => Some(id.parse::<Uuid>().map_err(|_| PageError::BadRequest)?),
    };
    let changed = desk
        .visit
        .state
        .clients
        .support
        .reassign(&desk.token, id, version, &form.priority, assignee)
        .await;
    refused(&desk, id, changed, "flash-incident-changed").await
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

async fn merge(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<MergeForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Desk).await?;
    let into = form
        .into
        .trim()
        .parse::<Uuid>()
        .map_err(|_| PageError::BadRequest)?;
    let merged = desk
        .visit
        .state
        .clients
        .support
        .merge(&desk.token, id, into)
        .await;
    if merged.is_ok() {
        desk.visit
            .flash(desk.visit.words().t("flash-incident-merged"))
            .await?;
        return Ok(see(format!("/admin/incidents/{into}")));
    }
    refused(&desk, id, merged, "flash-incident-merged").await
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn business_time_reads_to_the_minute() {
        assert_eq!(duration(0), "0 min");
        assert_eq!(duration(59), "1 min");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(-4500), "1 h 15 min");
        assert_eq!(duration(90_000), "1 d 1 h");
    }
}

//! Customers, for agents and administrators: search by name, email or phone; the customer view
//! with the record (edited with its version: a change made meanwhile is explained), contracted
//! services and their history, orders, incidents and the audit trail; export; delete and
//! restore; erase (administrators, after typing the customer's email).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use contracts::clients::customers::{ContractedService, Customer};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::super::cart::EmptyForm;
use super::super::orders::{OrderRow, row};
use super::super::{FieldErrors, parse_id, render, render_with, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::{CallError, OrderFilter, QueueFilter};
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/customers", get(customers_page))
        .route("/admin/customers/{id}", get(customer_page).post(change))
        .route("/admin/customers/{id}/export", get(export))
        .route("/admin/customers/{id}/delete", post(delete))
        .route("/admin/customers/{id}/restore", post(restore))
        .route("/admin/customers/{id}/erase", post(erase))
        .route("/admin/customers/{id}/services", post(add_service))
        .route(
            "/admin/customers/{id}/services/{service}",
            post(service_status),
        )
}

const SERVICE_STATUSES: [&str; 3] = ["active", "suspended", "cancelled"];

#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    /// `1`: deleted records too.
    #[serde(default)]
    deleted: String,
    cursor: Option<String>,
}

/// The customer search.
#[derive(Template)]
#[template(path = "admin/customers.html")]
struct CustomersView {
    layout: Layout,
    menu: Vec<MenuLink>,
    customers: Vec<(Customer, String)>,
    q: String,
    deleted: bool,
    admin: bool,
    next: Option<String>,
}

async fn customers_page(
    visit: Visit,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let q = params.q.trim().to_owned();
    // Only administrators see deleted records (and may restore them).
    let deleted = params.deleted == "1" && desk.is_admin();
    let found = desk
        .visit
        .state
        .clients
        .customers
        .search(&desk.token, &q, deleted, params.cursor.as_deref())
        .await;
    let page = match found {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor from an old or forged link: the search from the top.
            return Ok(see("/admin/customers"));
        }
        Err(error) => return Err(error.into()),
    };
    let next = page.next_cursor.map(|cursor| {
        let mut pairs = vec![("cursor", cursor)];
        if !q.is_empty() {
            pairs.push(("q", q.clone()));
        }
        if deleted {
            pairs.push(("deleted", "1".to_owned()));
        }
        format!(
            "/admin/customers?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    });
    let words = desk.visit.words();
    render(&CustomersView {
        customers: page
            .items
            .into_iter()
            .map(|customer| {
                let status = words.t(&format!("customer-status-{}", customer.status));
                (customer, status)
            })
            .collect(),
        q,
        deleted,
        admin: desk.is_admin(),
        next,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

/// A contracted service, as the customer view shows it.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    /// The service.
    pub service: ContractedService,
    /// Its status, in words.
    pub status: String,
    /// Its moves, oldest first: (when, from, to) in words.
    pub history: Vec<(String, String, String)>,
}

/// An incident of the customer.
#[derive(Debug, Clone)]
pub struct IncidentLine {
    /// Its id.
    pub id: Uuid,
    /// One line.
    pub subject: String,
    /// Its status (a class).
    pub status: String,
    /// Its status, in words.
    pub label: String,
    /// When it was opened.
    pub opened: String,
}

/// An entry of the audit trail.
#[derive(Debug, Clone)]
pub struct TrailLine {
    /// When.
    pub when: String,
    /// What happened.
    pub action: String,
    /// Who (a role).
    pub who: String,
    /// The fields that changed.
    pub fields: String,
}

/// The record form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordForm {
    /// The version read.
    #[serde(default)]
    pub version: String,
    /// Given name.
    #[serde(default)]
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone, empty for none.
    #[serde(default)]
    pub phone: String,
    /// Born on, empty for unknown.
    #[serde(default)]
    pub birth_date: String,
}

impl RecordForm {
    fn of(customer: &Customer) -> Self {
        Self {
            version: customer.version.to_string(),
            given_name: customer.given_name.clone(),
            family_name: customer.family_name.clone(),
            email: customer.email.clone(),
            phone: customer.phone.clone().unwrap_or_default(),
            birth_date: customer.birth_date.clone().unwrap_or_default(),
        }
    }
}

/// One customer, with everything the shop and the desk know of them.
#[derive(Template)]
#[template(path = "admin/customer.html")]
struct CustomerView {
    layout: Layout,
    menu: Vec<MenuLink>,
    customer: Customer,
    status: String,
    form: RecordForm,
    errors: FieldErrors,
    stale: bool,
    services: Vec<ServiceRow>,
    service_statuses: Vec<(&'static str, String)>,
    orders: Vec<OrderRow>,
    incidents: Vec<IncidentLine>,
    trail: Vec<TrailLine>,
    admin: bool,
}

/// The view of the record `id`; `form` is what the record form shows (the record itself, or
/// what was sent when it is drawn again with its errors).
async fn customer_view(
    desk: &Backstage,
    id: Uuid,
    form: Option<RecordForm>,
    errors: FieldErrors,
    stale: bool,
) -> Result<CustomerView, PageError> {
    let clients = &desk.visit.state.clients;
    let token = desk.token.as_str();
    let customer = clients.customers.record(token, id).await?;
    // Orders belong to the account; an incident names the record, the account, or only the
    // email it was opened with (on the customer's behalf, before the record was known).
    let filters: Vec<QueueFilter> = [
        Some(QueueFilter {
            customer: Some(customer.id),
            ..QueueFilter::default()
        }),
        customer.user_id.map(|user| QueueFilter {
            requester: Some(user),
            ..QueueFilter::default()
        }),
        Some(QueueFilter {
            email: Some(customer.email.clone()),
            ..QueueFilter::default()
        }),
    ]
    .into_iter()
    .flatten()
    .map(|filter| QueueFilter {
        limit: 50,
        ..filter
    })
    .collect();
    let incidents = async {
        let mut found: Vec<contracts::clients::support::Incident> = Vec::new();
        for filter in &filters {
            for incident in clients.support.queue(token, filter).await?.items {
                if found.iter().all(|known| known.id != incident.id) {
                    found.push(incident);
                }
            }
        }
        found.sort_by_key(|incident| std::cmp::Reverse(incident.created_at));
        Ok::<_, CallError>(found)
    };
    let orders = async {
        match customer.user_id {
            Some(user) => {
                let filter = OrderFilter {
                    limit: 50,
                    customer: Some(user),
                    ..OrderFilter::default()
                };
                clients
                    .orders
                    .all_orders(token, &filter)
                    .await
                    .map(|page| page.items)
            }
            None => Ok(Vec::new()),
        }
    };
    let (services, orders, incidents, trail) = tokio::join!(
        clients.customers.services(token, id),
        orders,
        incidents,
        clients.customers.history(token, id)
    );
    let words = desk.visit.words();
    Ok(CustomerView {
        services: services?
            .into_iter()
            .map(|service| ServiceRow {
                status: words.t(&format!("service-status-{}", service.status)),
                history: service
                    .history
                    .iter()
                    .map(|change| {
                        (
                            words.date_time(&change.at),
                            change
                                .from
                                .as_ref()
                                .map(|from| words.t(&format!("service-status-{from}")))
                                .unwrap_or_default(),
                            words.t(&format!("service-status-{}", change.to)),
                        )
                    })
                    .collect(),
                service,
            })
            .collect(),
        service_statuses: SERVICE_STATUSES
            .iter()
            .map(|status| (*status, words.t(&format!("service-status-{status}"))))
            .collect(),
        orders: orders?.into_iter().map(|order| row(order, words)).collect(),
        incidents: incidents?
            .into_iter()
            .map(|incident| IncidentLine {
                label: words.t(&format!("desk-status-{}", incident.status)),
                opened: words.date(&incident.created_at),
                id: incident.id,
                subject: incident.subject,
                status: incident.status,
            })
            .collect(),
        trail: trail?
            .items
            .into_iter()
            .rev()
            .map(|entry| TrailLine {
                when: words.date_time(&entry.at),
                who: entry
                    .actor_role
                    .map(|role| words.t(&format!("role-{role}")))
                    .unwrap_or_else(|| words.t("desk-tienda")),
                fields: entry
                    .changes
                    .as_object()
                    .map(|changes| changes.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                action: entry.action,
            })
            .collect(),
        form: form.unwrap_or_else(|| RecordForm::of(&customer)),
        errors,
        stale,
        admin: desk.is_admin(),
        status: words.t(&format!("customer-status-{}", customer.status)),
        customer,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    })
}

async fn customer_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    render(&customer_view(&desk, id, None, FieldErrors::default(), false).await?)
}

/// Changes the record with the version the form was drawn from: a change made meanwhile (412)
/// draws the record as it is now, with a word on why.
async fn change(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest)?;
    let optional = |text: &str| {
        let text = text.trim();
        if text.is_empty() {
            Value::Null
        } else {
            Value::from(text)
        }
    };
    let mut change = Map::new();
    change.insert("given_name".into(), form.given_name.trim().into());
    change.insert("family_name".into(), form.family_name.trim().into());
    change.insert("email".into(), form.email.trim().into());
    change.insert("phone".into(), optional(&form.phone));
    change.insert("birth_date".into(), optional(&form.birth_date));
    let customers = &desk.visit.state.clients.customers;
    match customers
        .change(&desk.token, id, version, &Value::Object(change))
        .await
    {
        Ok(_) => {
            desk.visit
                .flash(desk.visit.words().t("flash-customer-saved"))
                .await?;
            Ok(see(format!("/admin/customers/{id}")))
        }
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::PRECONDITION_FAILED => {
            let view = customer_view(&desk, id, None, FieldErrors::default(), true).await?;
            render_with(StatusCode::PRECONDITION_FAILED, &view)
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let mut errors = FieldErrors::from_refusal(&refusal, &[]);
            if errors.is_empty() {
                errors.add("email", refusal.problem.detail.clone().unwrap_or_default());
            }
            let view = customer_view(&desk, id, Some(form), errors, false).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(error) => Err(error.into()),
    }
}

async fn export(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let body = desk
        .visit
        .state
        .clients
        .customers
        .export(&desk.token, id)
        .await?;
    let disposition = format!("attachment; filename=\"customer-{id}.json\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// After an action on the record: a message, back to it; a refusal (deleted already, the
/// restore window passed) in the service's words.
async fn after<T>(
    desk: &Backstage,
    id: Uuid,
    result: Result<T, CallError>,
    done: &str,
) -> Result<Response, PageError> {
    let words = desk.visit.words();
    let message = match result {
        Ok(_) => words.t(done),
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            let fields: Vec<String> = refusal
                .problem
                .errors
                .iter()
                .map(|error| format!("{}: {}", error.field, error.message))
                .collect();
            if fields.is_empty() {
                refusal
                    .problem
                    .detail
                    .clone()
                    .unwrap_or_else(|| words.t("desk-refused"))
            } else {
                fields.join(" · ")
            }
        }
        Err(error) => return Err(error.into()),
    };
    desk.visit.flash(message).await?;
    Ok(see(format!("/admin/customers/{id}")))
}

async fn delete(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let deleted = desk
        .visit
        .state
        .clients
        .customers
        .delete(&desk.token, id)
        .await;
    after(&desk, id, deleted, "flash-customer-deleted").await
}

async fn restore(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let restored = desk
        .visit
        .state
        .clients
        .customers
        .restore(&desk.token, id)
        .await;
    after(&desk, id, restored, "flash-customer-restored").await
}

#[derive(Debug, Deserialize)]
struct EraseForm {
    /// The customer's email, typed to confirm.
    #[serde(default)]
    confirm: String,
}

async fn erase(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<EraseForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    if !desk.is_admin() {
        return Err(PageError::Forbidden);
    }
    let customers = &desk.visit.state.clients.customers;
    let customer = customers.record(&desk.token, id).await?;
    if !form.confirm.trim().eq_ignore_ascii_case(&customer.email) {
        let mut errors = FieldErrors::default();
        errors.add("confirm", desk.visit.words().t("error-erase-confirm"));
        let view = customer_view(&desk, id, None, errors, false).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let erased = customers.erase(&desk.token, id).await;
    after(&desk, id, erased, "flash-customer-erased").await
}

#[derive(Debug, Deserialize)]
struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    started_on: String,
}

async fn add_service(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    let mut service = Map::new();
    service.insert("name".into(), form.name.trim().into());
    service.insert("started_on".into(), form.started_on.trim().into());
    if !form.plan.trim().is_empty() {
        service.insert("plan".into(), form.plan.trim().into());
    }
    let added = desk
        .visit
        .state
        .clients
        .customers
        .add_service(&desk.token, id, &Value::Object(service))
        .await;
    after(&desk, id, added, "flash-service-added").await
}

#[derive(Debug, Deserialize)]
struct ServiceStatusForm {
    #[serde(default)]
    status: String,
}

async fn service_status(
    visit: Visit,
    Path((id, service)): Path<(String, String)>,
    Form(form): Form<ServiceStatusForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let service = parse_id(&service)?;
    let desk = Backstage::enter(visit, Part::Customers).await?;
    if !SERVICE_STATUSES.contains(&form.status.as_str()) {
        return Err(PageError::BadRequest);
    }
    let moved = desk
        .visit
        .state
        .clients
        .customers
        .service_status(&desk.token, id, service, &form.status)
        .await;
    after(&desk, id, moved, "flash-service-changed").await
}

//! The services a customer has contracted, each with its status history.

use platform::FieldError;
use platform::auth::Caller;
use platform::http::IfMatch;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::json;
use time::Date;
use time::macros::format_description;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::audit::audit;
use crate::app::customers::get;
use crate::domain::customer::{CustomerStatus, format_date};
use crate::domain::service::ServiceStatus;
use crate::error::Error;
use crate::store::{self, ContractedService, StatusChange};

/// A service to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    /// What it is, 1 to 100 characters (`Fibre 600 Mb`).
    pub name: String,
    /// Its plan or tier, up to 100 characters.
    #[serde(default)]
    pub plan: Option<String>,
    /// When it was contracted, `YYYY-MM-DD`.
    pub started_on: String,
    /// When it ends, `YYYY-MM-DD`, not before `started_on`.
    #[serde(default)]
    pub ends_on: Option<String>,
    /// Its status (default `active`).
    #[serde(default)]
    pub status: Option<ServiceStatus>,
}

/// A change to a service: absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceChange {
    /// What it is.
    pub name: Option<String>,
    /// Its plan, or `null`.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<String>)]
    pub plan: Option<Option<String>>,
    /// When it was contracted.
    pub started_on: Option<String>,
    /// When it ends, or `null`.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<String>)]
    pub ends_on: Option<Option<String>>,
    /// The new status: active and suspended move both ways; cancelled is final.
    pub status: Option<ServiceStatus>,
}

fn parse_date(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| errors.push(FieldError::new(field, "invalid", "use YYYY-MM-DD")))
        .ok()
}

fn parse_plan(text: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    clean_text("plan", text, 1, 100)
        .map_err(|e| errors.push(e))
        .ok()
}

fn check_dates(started_on: Date, ends_on: Option<Date>, errors: &mut Vec<FieldError>) {
    if ends_on.is_some_and(|ends_on| ends_on < started_on) {
        errors.push(FieldError::new(
            "ends_on",
            "out_of_range",
            "a service cannot end before it starts",
        ));
    }
}

async fn writable_customer(state: &State, caller: &Caller, customer_id: Uuid) -> Result<(), Error> {
    caller.require_staff()?;
    let customer = get(state, caller, customer_id).await?;
    if customer.status != CustomerStatus::Active {
        return Err(Error::Conflict(format!(
            "The customer record is {}.",
            customer.status.as_str()
        )));
    }
    Ok(())
}

/// A customer's services with their status histories, for a caller who may see the customer.
pub async fn list(
    state: &State,
    caller: &Caller,
    customer_id: Uuid,
) -> Result<Vec<(ContractedService, Vec<StatusChange>)>, Error> {
    get(state, caller, customer_id).await?;
    with_histories(state, customer_id).await
}

/// Every service of a customer with its history (no visibility check: callers check).
pub async fn with_histories(
    state: &State,
    customer_id: Uuid,
) -> Result<Vec<(ContractedService, Vec<StatusChange>)>, Error> {
    let services = store::list_services(state.database.pool(), customer_id).await?;
    let changes = store::list_status_changes(state.database.pool(), customer_id).await?;
    Ok(services
        .into_iter()
        .map(|service| {
            let history = changes
                .iter()
                .filter(|c| c.service_id == service.id)
                .cloned()
                .collect();
            (service, history)
        })
        .collect())
}

/// Adds a service to a customer (staff).
pub async fn add(
    state: &State,
    caller: &Caller,
    customer_id: Uuid,
    input: NewService,
) -> Result<ContractedService, Error> {
    writable_customer(state, caller, customer_id).await?;
    add_unchecked(state, Some(caller), customer_id, input).await
}

/// Adds a service without checking the caller (demo data; callers check).
pub async fn add_unchecked(
    state: &State,
    actor: Option<&Caller>,
    customer_id: Uuid,
    input: NewService,
) -> Result<ContractedService, Error> {
    let mut errors = Vec::new();
    let name = clean_text("name", &input.name, 1, 100)
        .map_err(|e| errors.push(e))
        .ok();
    let plan = parse_plan(input.plan.as_deref(), &mut errors);
    let started_on = parse_date("started_on", &input.started_on, &mut errors);
    let ends_on = input
        .ends_on
        .as_deref()
        .and_then(|text| parse_date("ends_on", text, &mut errors));
    if let Some(started_on) = started_on {
        check_dates(started_on, ends_on, &mut errors);
    }
    let (Some(name), Some(started_on), true) = (name, started_on, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let now = platform::time::now();
    let service = ContractedService {
        id: Uuid::now_v7(),
        customer_id,
        name,
        plan,
        started_on,
        ends_on,
        status: input.status.unwrap_or(ServiceStatus::Active),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut transaction = state.database.begin().await?;
    store::insert_service(&mut *transaction, &service).await?;
    store::insert_status_change(
        &mut *transaction,
        &StatusChange {
            service_id: service.id,
            from: None,
            to: service.status,
            at: now,
            by: actor.map(|c| c.user_id),
        },
    )
    .await?;
    store::insert_audit(
        &mut *transaction,
        &audit(customer_id, actor, "service.added", json!({
            "service_id": service.id, "name": service.name, "plan": service.plan,
            "started_on": format_date(service.started_on), "ends_on": service.ends_on.map(format_date),
            "status": service.status.as_str(),
        })),
    )
    .await?;
    transaction.commit().await?;
    Ok(service)
}

/// Changes a service (staff); a status change is checked and kept in its history.
pub async fn update(
    state: &State,
    caller: &Caller,
    customer_id: Uuid,
    service_id: Uuid,
    if_match: &IfMatch,
    change: ServiceChange,
) -> Result<ContractedService, Error> {
    writable_customer(state, caller, customer_id).await?;
    let current = store::find_service(state.database.pool(), customer_id, service_id)
        .await?
        .ok_or(Error::NotFound)?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let mut errors = Vec::new();
    let mut next = current.clone();
    if let Some(name) = change.name {
        clean_text("name", &name, 1, 100)
            .map(|v| next.name = v)
            .map_err(|e| errors.push(e))
            .ok();
    }
    if let Some(plan) = change.plan {
        next.plan = parse_plan(plan.as_deref(), &mut errors);
    }
    if let Some(text) = change.started_on
        && let Some(date) = parse_date("started_on", &text, &mut errors)
    {
        next.started_on = date;
    }
    if let Some(ends_on) = change.ends_on {
        next.ends_on = ends_on
            .as_deref()
            .and_then(|text| parse_date("ends_on", text, &mut errors));
    }
    check_dates(next.started_on, next.ends_on, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if let Some(status) = change.status {
        if !current.status.can_become(status) {
            return Err(Error::Conflict(format!(
                "A {} service cannot become {}.",
                current.status.as_str(),
                status.as_str()
            )));
        }
        next.status = status;
    }
    if next == current {
        return Ok(current);
    }
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    let saved = store::update_service(&mut transaction, &next).await?;
    if next.status != current.status {
        store::insert_status_change(
            &mut *transaction,
            &StatusChange {
                service_id,
                from: Some(current.status),
                to: next.status,
                at: now,
                by: Some(caller.user_id),
            },
        )
        .await?;
    }
    let mut changes = serde_json::Map::new();
    changes.insert("service_id".into(), json!(service_id));
    let fields = [
        ("name", json!(current.name), json!(next.name)),
        ("plan", json!(current.plan), json!(next.plan)),
        (
            "started_on",
            json!(format_date(current.started_on)),
            json!(format_date(next.started_on)),
        ),
        (
            "ends_on",
            json!(current.ends_on.map(format_date)),
            json!(next.ends_on.map(format_date)),
        ),
        (
            "status",
            json!(current.status.as_str()),
            json!(next.status.as_str()),
        ),
    ];
    for (field, from, to) in fields {
        if from != to {
            changes.insert(field.into(), json!({ "from": from, "to": to }));
        }
    }
    store::insert_audit(
        &mut *transaction,
        &audit(customer_id, Some(caller), "service.updated", changes.into()),
    )
    .await?;
    transaction.commit().await?;
    Ok(saved)
}

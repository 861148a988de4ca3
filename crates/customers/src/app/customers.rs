//! Customer records: who may see and change which, and how every change is audited.
//!
//! Visibility: administrators see every record; agents every record not deleted; anyone else
//! only the record linked to its own account, while active. A record the caller may not see is
//! "not found", never "forbidden", so ids reveal nothing.

use contracts::Email;
use contracts::auth::Role;
use contracts::events::customers::{CustomerCreated, CustomerUpdated};
use platform::FieldError;
use platform::auth::Caller;
use platform::events::Tx;
use platform::http::IfMatch;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::{audit, diff, snapshot};
use crate::State;
use crate::domain::customer::{
    Address, CustomerStatus, parse_addresses, parse_birth_date, parse_name, parse_phone,
};
use crate::error::Error;
use crate::store::{self, Customer};

/// A new record, as staff enter it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Given name, 1 to 100 characters.
    pub given_name: String,
    /// Family name, up to 100 characters (may be empty: not everyone has one).
    #[serde(default)]
    pub family_name: String,
    /// Email, unique among records; trimmed and lowercased.
    pub email: String,
    /// Phone in E.164 (`+34600111222`).
    #[serde(default)]
    pub phone: Option<String>,
    /// Birth date, `YYYY-MM-DD`, in the past.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Up to 10 addresses.
    #[serde(default)]
    pub addresses: Vec<Address>,
}

/// A change to a record: absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerChange {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email (staff only: a customer's own email is its account's).
    pub email: Option<String>,
    /// Phone in E.164, or `null`.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Birth date `YYYY-MM-DD`, or `null`.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<String>)]
    pub birth_date: Option<Option<String>>,
    /// The whole list of addresses (replaces it).
    pub addresses: Option<Vec<Address>>,
}

fn today() -> time::Date {
    platform::time::now().date()
}

fn is_visible(customer: &Customer, caller: &Caller) -> bool {
    match caller.role {
        Role::Admin => true,
        Role::Agent => customer.status != CustomerStatus::Deleted,
        Role::Customer | Role::Seller => {
            customer.user_id == Some(caller.user_id) && customer.status == CustomerStatus::Active
        }
        Role::Service => false,
    }
}

/// A record the caller may see.
pub async fn get(state: &State, caller: &Caller, id: Uuid) -> Result<Customer, Error> {
    store::find_customer(state.database.pool(), id)
        .await?
        .filter(|customer| is_visible(customer, caller))
        .ok_or(Error::NotFound)
}

/// Creates a record (staff). A taken email is a conflict that points to the existing record.
pub async fn create(state: &State, caller: &Caller, input: NewCustomer) -> Result<Customer, Error> {
    caller.require_staff()?;
    let mut errors = Vec::new();
    let given_name = parse_name("given_name", &input.given_name)
        .map_err(|e| errors.push(e))
        .ok();
    let family_name = family_name(&input.family_name)
        .map_err(|e| errors.push(e))
        .ok();
    let email = Email::parse(&input.email)
        .map_err(|e| errors.push(FieldError::new("email", "invalid", e.to_string())))
        .ok();
    let phone = input
        .phone
        .as_deref()
        .map(parse_phone)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let birth_date = input
        .birth_date
        .as_deref()
        .map(|text| parse_birth_date(text, today()))
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let addresses = parse_addresses(input.addresses, &mut errors);
    let (Some(given_name), Some(family_name), Some(email), true) =
        (given_name, family_name, email, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    let customer = Customer {
        phone,
        birth_date,
        addresses,
        ..new_record(given_name, family_name, email, None)
    };
    insert_with_audit(state, Some(caller), customer, "customer.created").await
}

pub(crate) fn family_name(text: &str) -> Result<String, FieldError> {
    platform::text::clean_text(
        "family_name",
        text,
        0,
        crate::domain::customer::MAX_NAME_LENGTH,
    )
}

pub(crate) fn new_record(
    given_name: String,
    family_name: String,
    email: Email,
    user_id: Option<Uuid>,
) -> Customer {
    let now = platform::time::now();
    Customer {
        id: Uuid::now_v7(),
        user_id,
        given_name,
        family_name,
        email: email.to_string(),
        phone: None,
        birth_date: None,
        addresses: Vec::new(),
        status: CustomerStatus::Active,
        version: 1,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    }
}

/// Inserts a record and its first audit entry in one transaction, and announces it.
pub async fn insert_with_audit(
    state: &State,
    actor: Option<&Caller>,
    customer: Customer,
    action: &str,
) -> Result<Customer, Error> {
    let email = customer.email.clone();
    let inserted = async {
        let mut transaction = state.database.begin().await?;
        let customer = insert_in(state, &mut transaction, actor, customer, action).await?;
        state.events.commit(transaction).await?;
        Ok(customer)
    }
    .await;
    explain_duplicate(state, inserted, &email, None).await
}

/// Why a taken email or account, when a write finds one.
pub(crate) const ACCOUNT_LINKED: &str =
    "That account is already linked to another customer record.";

/// Tells a broken unique key apart, once the transaction that broke it has ended (its
/// connection is back in the pool, and the other writer's row is committed): the email, when
/// another record holds it, or else the account link.
pub(crate) async fn explain_duplicate<T>(
    state: &State,
    result: Result<T, Error>,
    email: &str,
    own: Option<Uuid>,
) -> Result<T, Error> {
    match result {
        Err(Error::Duplicate) => match store::find_id_by_email(state.database.pool(), email).await?
        {
            Some(existing) if Some(existing) != own => Err(Error::DuplicateEmail(existing)),
            _ => Err(Error::Conflict(ACCOUNT_LINKED.into())),
        },
        other => other,
    }
}

/// Inserts a record, its first audit entry and its `customer.created` event in `transaction`.
pub(crate) async fn insert_in(
    state: &State,
    transaction: &mut Tx,
    actor: Option<&Caller>,
    customer: Customer,
    action: &str,
) -> Result<Customer, Error> {
    store::insert_customer(transaction, &customer).await?;
    store::insert_audit(
        &mut **transaction,
        &audit(
            customer.id,
            actor,
            action,
            Value::Object(snapshot(&customer)),
        ),
    )
    .await?;
    let created = CustomerCreated {
        customer: crate::events::snapshot(&customer),
    };
    state.events.publish(transaction, &created).await?;
    Ok(customer)
}

/// Applies `change` to `current`; a non-staff caller may not change the email.
pub(crate) fn apply_change(
    current: &Customer,
    change: CustomerChange,
    staff: bool,
) -> Result<Customer, Error> {
    let mut errors = Vec::new();
    let mut next = current.clone();
    if let Some(text) = change.given_name {
        parse_name("given_name", &text)
            .map(|v| next.given_name = v)
            .map_err(|e| errors.push(e))
            .ok();
    }
    if let Some(text) = change.family_name {
        family_name(&text)
            .map(|v| next.family_name = v)
            .map_err(|e| errors.push(e))
            .ok();
    }
    if let Some(text) = change.email {
        if staff {
            Email::parse(&text)
                .map(|email| next.email = email.to_string())
                .map_err(|e| errors.push(FieldError::new("email", "invalid", e.to_string())))
                .ok();
        } else {
            errors.push(FieldError::new(
                "email",
                "not_allowed",
                "your email is your account's; change it there",
            ));
        }
    }
    if let Some(phone) = change.phone {
        match phone.as_deref().map(parse_phone).transpose() {
            Ok(phone) => next.phone = phone,
            Err(error) => errors.push(error),
        }
    }
    if let Some(date) = change.birth_date {
        match date
            .as_deref()
            .map(|text| parse_birth_date(text, today()))
            .transpose()
        {
            Ok(date) => next.birth_date = date,
            Err(error) => errors.push(error),
        }
    }
    if let Some(addresses) = change.addresses {
        next.addresses = parse_addresses(addresses, &mut errors);
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Writes `next` over `current` (same version) with an audit entry, unless nothing changed.
pub(crate) async fn save(
    state: &State,
    actor: Option<&Caller>,
    current: &Customer,
    next: Customer,
    action: &str,
    extra: Option<Value>,
) -> Result<Customer, Error> {
    let (email, own) = (next.email.clone(), Some(next.id));
    let saved = async {
        let mut transaction = state.database.begin().await?;
        let saved = save_in(state, &mut transaction, actor, current, next, action, extra).await?;
        state.events.commit(transaction).await?;
        Ok(saved)
    }
    .await;
    explain_duplicate(state, saved, &email, own).await
}

/// As [`save`], in `transaction`; the change is announced as `customer.updated`.
pub(crate) async fn save_in(
    state: &State,
    transaction: &mut Tx,
    actor: Option<&Caller>,
    current: &Customer,
    next: Customer,
    action: &str,
    extra: Option<Value>,
) -> Result<Customer, Error> {
    let changes = diff(current, &next);
    if changes.is_empty() && extra.is_none() {
        return Ok(current.clone());
    }
    let saved = store::update_customer(transaction, &next).await?;
    let recorded = extra.unwrap_or(Value::Object(changes));
    store::insert_audit(
        &mut **transaction,
        &audit(current.id, actor, action, recorded),
    )
    .await?;
    let updated = CustomerUpdated {
        customer: crate::events::snapshot(&saved),
    };
    state.events.publish(transaction, &updated).await?;
    Ok(saved)
}

/// Changes a record the caller may see: staff any field; the record's own customer all but
/// the email. `If-Match` guards against lost updates.
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
    change: CustomerChange,
) -> Result<Customer, Error> {
    let current = get(state, caller, id).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    if current.status != CustomerStatus::Active {
        return Err(Error::Conflict(format!(
            "The record is {}.",
            current.status.as_str()
        )));
    }
    let next = apply_change(&current, change, caller.role.is_staff())?;
    save(
        state,
        Some(caller),
        &current,
        next,
        "customer.updated",
        None,
    )
    .await
}

/// Hides a record (staff); an administrator can restore it within the restore window.
pub async fn delete(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
) -> Result<(), Error> {
    caller.require_staff()?;
    let current = get(state, caller, id).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    if current.status != CustomerStatus::Active {
        return Err(Error::Conflict(format!(
            "The record is already {}.",
            current.status.as_str()
        )));
    }
    let next = Customer {
        status: CustomerStatus::Deleted,
        deleted_at: Some(platform::time::now()),
        ..current.clone()
    };
    save(
        state,
        Some(caller),
        &current,
        next,
        "customer.deleted",
        None,
    )
    .await?;
    Ok(())
}

/// Brings a deleted record back (administrators, within the restore window).
pub async fn restore(state: &State, caller: &Caller, id: Uuid) -> Result<Customer, Error> {
    if caller.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let current = get(state, caller, id).await?;
    if current.status != CustomerStatus::Deleted {
        return Err(Error::Conflict(format!(
            "The record is {}, not deleted.",
            current.status.as_str()
        )));
    }
    let deadline = current.deleted_at.map(|at| at + state.restore_window);
    if deadline.is_none_or(|deadline| deadline < platform::time::now()) {
        return Err(Error::Conflict(
            "The restore window of this record has passed.".into(),
        ));
    }
    let next = Customer {
        status: CustomerStatus::Active,
        deleted_at: None,
        ..current.clone()
    };
    save(
        state,
        Some(caller),
        &current,
        next,
        "customer.restored",
        None,
    )
    .await
}

//! A customer's own record (`/me`): found by account, linked by email, or made from the account
//! on first use. Until the event backbone tells customers of new accounts, this first visit is
//! what links an account to the record staff made for the same email.

use contracts::Email;
use platform::auth::Caller;
use platform::http::IfMatch;

use crate::State;
use crate::domain::customer::CustomerStatus;
use crate::error::Error;
use crate::records::{CustomerChange, apply_change, insert_with_audit, new_record, save};
use crate::store::{self, Customer};

/// The caller's own record, made on first use: linked to a record staff made with the same
/// email if there is one, or created from the account's name and email.
pub async fn own_record(state: &State, caller: &Caller) -> Result<Customer, Error> {
    if let Some(customer) = store::find_by_user(state.database.pool(), caller.user_id).await? {
        return match customer.status {
            CustomerStatus::Active => Ok(customer),
            _ => Err(Error::NotFound),
        };
    }
    let email =
        Email::parse(&caller.email).map_err(|error| anyhow::anyhow!("token email: {error}"))?;
    if let Some(id) = store::find_id_by_email(state.database.pool(), email.as_str()).await? {
        let existing = store::find_customer(state.database.pool(), id)
            .await?
            .ok_or(Error::NotFound)?;
        if existing.status != CustomerStatus::Active {
            return Err(Error::NotFound);
        }
        match existing.user_id {
            // A concurrent first visit of this same user linked or made it a moment ago.
            Some(linked) if linked == caller.user_id => return Ok(existing),
            // Another account holds the record with this email: not the caller's to take.
            Some(_) => return Err(Error::NotFound),
            None => {}
        }
        let linked = Customer {
            user_id: Some(caller.user_id),
            ..existing.clone()
        };
        return match save(
            state,
            Some(caller),
            &existing,
            linked,
            "customer.linked",
            None,
        )
        .await
        {
            Ok(customer) => Ok(customer),
            // A concurrent first call linked it: read what it made.
            Err(Error::Conflict(_)) => Box::pin(own_record(state, caller)).await,
            Err(error) => Err(error),
        };
    }
    let (given, family) = split_name(&caller.name);
    let record = new_record(given, family, email, Some(caller.user_id));
    match insert_with_audit(state, Some(caller), record, "customer.created").await {
        Ok(customer) => Ok(customer),
        Err(Error::Conflict(_) | Error::DuplicateEmail(_)) => {
            store::find_by_user(state.database.pool(), caller.user_id)
                .await?
                .ok_or(Error::NotFound)
        }
        Err(error) => Err(error),
    }
}

/// "Ana María López" → ("Ana", "María López"): a guess that the customer can correct.
fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    let given = if given.is_empty() { "Customer" } else { given };
    (
        given.chars().take(100).collect(),
        family.trim().chars().take(100).collect(),
    )
}

/// Changes the caller's own record (all but email, id, account link and status).
pub async fn update_own(
    state: &State,
    caller: &Caller,
    if_match: &IfMatch,
    change: CustomerChange,
) -> Result<Customer, Error> {
    let current = own_record(state, caller).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let next = apply_change(&current, change, false)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_split_at_the_first_space() {
        assert_eq!(
            split_name(" Ana María López "),
            ("Ana".into(), "María López".into())
        );
        assert_eq!(split_name("Madonna"), ("Madonna".into(), String::new()));
        assert_eq!(split_name(""), ("Customer".into(), String::new()));
    }
}

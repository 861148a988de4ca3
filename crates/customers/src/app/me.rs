//! A customer's own record (`/me`), and how an account comes to have one: linked to the record
//! staff made with its email, or made from the account, when identity announces the account
//! (`user.registered`), or on the account's first `/me` if that comes first.

use contracts::Email;
use platform::auth::Caller;
use platform::events::Tx;
use platform::http::IfMatch;
use uuid::Uuid;

use crate::State;
use crate::app::customers::{CustomerChange, apply_change, insert_in, new_record, save, save_in};
use crate::domain::customer::CustomerStatus;
use crate::error::Error;
use crate::store::{self, Customer};

/// An account, as identity announced it or as its token shows it.
#[derive(Debug, Clone)]
pub struct Account {
    /// The account id.
    pub user_id: Uuid,
    /// Its email.
    pub email: String,
    /// Its display name.
    pub name: String,
}

/// The caller's own record. Normally the `user.registered` event has linked or made it; if the
/// event is still on its way, the same step runs here.
pub async fn own_record(state: &State, caller: &Caller) -> Result<Customer, Error> {
    if let Some(customer) = store::find_by_user(state.database.pool(), caller.user_id).await? {
        return match customer.status {
            CustomerStatus::Active => Ok(customer),
            _ => Err(Error::NotFound),
        };
    }
    let account = Account {
        user_id: caller.user_id,
        email: caller.email.clone(),
        name: caller.name.clone(),
    };
    let mut transaction = state.database.begin().await?;
    match link_or_create(state, &mut transaction, Some(caller), &account).await {
        Ok(Some(customer)) => {
            state.events.commit(transaction).await?;
            Ok(customer)
        }
        Ok(None) => Err(Error::NotFound),
        // The event's handler (or a concurrent first visit) linked or made it a moment ago.
        Err(Error::Conflict(_) | Error::Duplicate) => {
            drop(transaction);
            store::find_by_user(state.database.pool(), caller.user_id)
                .await?
                .filter(|customer| customer.status == CustomerStatus::Active)
                .ok_or(Error::NotFound)
        }
        Err(error) => Err(error),
    }
}

/// Links the account to the active record with its email, or makes a record from it, in
/// `transaction`. `None` when the account may not have one: the record with its email belongs to
/// another account, or is deleted or erased.
pub async fn link_or_create(
    state: &State,
    transaction: &mut Tx,
    actor: Option<&Caller>,
    account: &Account,
) -> Result<Option<Customer>, Error> {
    if let Some(existing) = store::find_by_user(&mut **transaction, account.user_id).await? {
        return Ok((existing.status == CustomerStatus::Active).then_some(existing));
    }
    let email =
        Email::parse(&account.email).map_err(|error| anyhow::anyhow!("account email: {error}"))?;
    if let Some(id) = store::find_id_by_email(&mut **transaction, email.as_str()).await? {
        let existing = store::find_customer(&mut **transaction, id)
            .await?
            .ok_or(Error::NotFound)?;
        if existing.status != CustomerStatus::Active {
            return Ok(None);
        }
        match existing.user_id {
            // Linked a moment ago by a concurrent step for this same account.
            Some(linked) if linked == account.user_id => return Ok(Some(existing)),
            // Another account holds the record with this email: not this one's to take.
            Some(_) => return Ok(None),
            None => {}
        }
        let linked = Customer {
            user_id: Some(account.user_id),
            ..existing.clone()
        };
        let saved = save_in(
            state,
            transaction,
            actor,
            &existing,
            linked,
            "customer.linked",
            None,
        )
        .await?;
        return Ok(Some(saved));
    }
    let (given, family) = split_name(&account.name);
    let record = new_record(given, family, email, Some(account.user_id));
    let created = insert_in(state, transaction, actor, record, "customer.created").await?;
    Ok(Some(created))
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

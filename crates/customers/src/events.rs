//! What the customers service tells the others, and what it learns from them.
//!
//! Publishes (in the transaction of each change): `customer.created`, `customer.updated` (data,
//! account link or status) and `customer.erased` (ids only).
//!
//! Consumes from identity:
//! - `user.registered` (customers only): links the new account to the record staff made with
//!   its email, or makes a record from the account. The same step runs on the account's first
//!   `/me` if the event has not arrived yet, so a customer never waits for it.
//! - `user.deleted`: the record stays (it is the business's), unlinked from the account.

use contracts::auth::Role;
use contracts::events::Event;
use contracts::events::customers::CustomerSnapshot;
use contracts::events::identity::{UserDeleted, UserRegistered};
use platform::events::{Handlers, Tx};

use crate::State;
use crate::app::customers::save_in;
use crate::app::me::{Account, link_or_create};
use crate::store::{self, Customer};

/// The event types this service consumes.
pub const CONSUMES: [&str; 2] = [UserRegistered::TYPE, UserDeleted::TYPE];

/// The handlers of the consumed events.
pub fn handlers(state: &State) -> Handlers {
    let registered = state.clone();
    let deleted = state.clone();
    Handlers::new()
        .on::<UserRegistered, _>(move |event, transaction| {
            Box::pin(on_user_registered(registered.clone(), event, transaction))
        })
        .on::<UserDeleted, _>(move |event, transaction| {
            Box::pin(on_user_deleted(deleted.clone(), event, transaction))
        })
}

/// What other services may know of a record.
pub fn snapshot(customer: &Customer) -> CustomerSnapshot {
    CustomerSnapshot {
        customer_id: customer.id,
        user_id: customer.user_id,
        email: customer.email.clone(),
        given_name: customer.given_name.clone(),
        family_name: customer.family_name.clone(),
        status: customer.status.as_str().to_owned(),
    }
}

async fn on_user_registered(
    state: State,
    event: UserRegistered,
    transaction: &mut Tx,
) -> anyhow::Result<()> {
    if event.role != Role::Customer {
        return Ok(());
    }
    let account = Account {
        user_id: event.user_id,
        email: event.email,
        name: event.name,
    };
    let linked = link_or_create(&state, transaction, None, &account).await?;
    if linked.is_none() {
        tracing::warn!(user = %account.user_id, "a new account's email belongs to a record that is not its to take");
    }
    Ok(())
}

async fn on_user_deleted(
    state: State,
    event: UserDeleted,
    transaction: &mut Tx,
) -> anyhow::Result<()> {
    let Some(current) = store::find_by_user(&mut **transaction, event.user_id).await? else {
        return Ok(());
    };
    let unlinked = Customer {
        user_id: None,
        ..current.clone()
    };
    save_in(
        &state,
        transaction,
        None,
        &current,
        unlinked,
        "customer.unlinked",
        None,
    )
    .await?;
    Ok(())
}

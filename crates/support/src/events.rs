//! What support tells the other services, and what it learns from them. (Not to be confused
//! with an incident's history, which the store also calls events.)
//!
//! Publishes (in the transaction of each change): `incident.opened` and
//! `incident.status_changed` (every move, including merges and automatic closing).
//!
//! Consumes:
//! - from identity, `user.registered`, `user.role_changed` and `user.deleted`: who the agents
//!   are. An account that becomes an agent is available for assignment; one that stops being
//!   an agent, or is deleted, is not (its incidents keep their assignee until reassigned).
//!   An agent whose role predates these events is still learned on its first call.
//! - from customers, `customer.erased`: the personal data in that customer's incidents is
//!   replaced.
//! - from orders, `order.placed`: whose the order is, so that a customer relates incidents only
//!   to its own orders.

use contracts::auth::Role;
use contracts::events::Event;
use contracts::events::customers::CustomerErased;
use contracts::events::identity::{UserDeleted, UserRegistered, UserRoleChanged};
use contracts::events::orders::OrderPlaced;
use platform::events::{Handlers, Tx};

use crate::State;
use crate::store;

/// The event types this service consumes.
pub const CONSUMES: [&str; 5] = [
    UserRegistered::TYPE,
    UserRoleChanged::TYPE,
    UserDeleted::TYPE,
    CustomerErased::TYPE,
    OrderPlaced::TYPE,
];

/// The handlers of the consumed events.
pub fn handlers(state: &State) -> Handlers {
    let (registered, changed, deleted, erased, placed) = (
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
    );
    Handlers::new()
        .on::<UserRegistered, _>(move |event, transaction| {
            let state = registered.clone();
            Box::pin(async move {
                if event.role == Role::Agent {
                    become_agent(&state, transaction, &event.name, event.user_id).await?;
                }
                Ok(())
            })
        })
        .on::<UserRoleChanged, _>(move |event, transaction| {
            let state = changed.clone();
            Box::pin(async move {
                if event.role == Role::Agent {
                    become_agent(&state, transaction, &event.name, event.user_id).await?;
                } else if event.previous_role == Role::Agent {
                    let now = state.clock.now();
                    store::set_agent_available(&mut **transaction, event.user_id, false, now)
                        .await?;
                }
                Ok(())
            })
        })
        .on::<UserDeleted, _>(move |event, transaction| {
            let state = deleted.clone();
            Box::pin(async move {
                let now = state.clock.now();
                store::set_agent_available(&mut **transaction, event.user_id, false, now).await?;
                Ok(())
            })
        })
        .on::<CustomerErased, _>(move |event, transaction| {
            let state = erased.clone();
            Box::pin(async move {
                let now = state.clock.now();
                let touched =
                    store::anonymise_requester(transaction, event.customer_id, event.user_id, now)
                        .await?;
                tracing::info!(customer = %event.customer_id, incidents = touched, "erased customer's incidents anonymised");
                Ok(())
            })
        })
        .on::<OrderPlaced, _>(move |event, transaction| {
            let state = placed.clone();
            Box::pin(async move {
                let now = state.clock.now();
                store::remember_order(&mut **transaction, event.order_id, event.user_id, now)
                    .await?;
                Ok(())
            })
        })
}

async fn become_agent(
    state: &State,
    transaction: &mut Tx,
    name: &str,
    user_id: uuid::Uuid,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    let display_name: String = name.chars().take(100).collect();
    store::ensure_agent(&mut **transaction, user_id, &display_name, now).await?;
    store::set_agent_available(&mut **transaction, user_id, true, now).await?;
    Ok(())
}

//! Recovery: every order with work pending that nobody has touched for a while (the process
//! doing it stopped) is brought to its end. It runs when the service starts and then
//! periodically; several replicas may run it, and each order is taken over by one of them (a
//! guarded update of its `updated_at`).
//!
//! | pending step | what happened | what recovery does |
//! |---|---|---|
//! | `reserving` | stock may be held, nothing charged | lets go of the stock; the order is `cancelled` (`checkout_interrupted`), its key freed |
//! | `charging` | a charge may exist | asks the provider by the order id: approved → `paid` and committed; declined → `payment_failed` and released; none → released and `cancelled`, key freed |
//! | `committing` | paid | commits the reservation |
//! | `releasing` | payment failed | releases the reservation |
//! | `refunding` | a cancellation began | refunds (once: the refund's key is the order's) |
//! | `restocking` | refunded | returns the units not yet returned |

use std::time::Duration;

use contracts::events::orders::OrderCancelled;
use platform::idempotency::Claim;
use uuid::Uuid;

use crate::State;
use crate::app::checkout::reservation_lines;
use crate::app::orders::move_order;
use crate::app::settlement;
use crate::clients::catalog::Reserved;
use crate::clients::payments::Outcome;
use crate::domain::status::{OrderStatus, PendingStep};
use crate::error::Error;
use crate::store::{self, Order, Transition};

/// One round: every order stalled for longer than `grace`. Failures are logged and retried on
/// the next round.
pub async fn run(state: &State, grace: Duration) {
    let now = platform::time::now();
    let before = now - time::Duration::try_from(grace).unwrap_or(time::Duration::MINUTE);
    let stalled = match store::stalled_orders(state.database.pool(), before).await {
        Ok(stalled) => stalled,
        Err(error) => {
            tracing::warn!(%error, "cannot look for stalled orders");
            return;
        }
    };
    for (id, seen) in stalled {
        match store::take_over(state.database.pool(), id, seen, platform::time::now()).await {
            Ok(true) => {}
            Ok(false) => continue, // another replica has it
            Err(error) => {
                tracing::warn!(%error, order = %id, "cannot take over a stalled order");
                continue;
            }
        }
        match recover(state, id).await {
            Ok(()) => tracing::info!(order = %id, "a stalled order was brought to its end"),
            Err(Error::PaymentDeclined { .. }) => {
                tracing::info!(order = %id, "a stalled checkout ended declined");
            }
            Err(error) => {
                tracing::warn!(%error, order = %id, "recovering an order failed; retrying later")
            }
        }
    }
    if let Err(error) = platform::idempotency::prune(&state.database).await {
        tracing::warn!(%error, "pruning idempotency keys failed");
    }
}

/// Finishes one order's pending work.
pub async fn recover(state: &State, id: Uuid) -> Result<(), Error> {
    let mut connection = state.database.pool().acquire().await?;
    let Some(order) = store::find_order(&mut connection, id).await? else {
        return Ok(());
    };
    drop(connection);
    let claim = || Claim::resume(order.user_id.to_string(), order.idempotency_key.clone());
    match order.pending_step {
        None => Ok(()),
        Some(PendingStep::Reserving) => abandon(state, &order, PendingStep::Reserving).await,
        Some(PendingStep::Charging) => {
            let charge = state.payments.find_charge(&order.id.to_string()).await?;
            match charge {
                Some(charge) if charge.outcome == Outcome::Approved => {
                    settlement::finish_paid(state, order.id, charge.id, Some(claim()))
                        .await
                        .map(drop)
                }
                Some(charge) => {
                    let reason = match charge.outcome {
                        Outcome::Declined(reason) => reason,
                        Outcome::Approved => String::new(),
                    };
                    settlement::finish_declined(state, order.id, reason, Some(claim()))
                        .await
                        .map(drop)
                }
                None => abandon(state, &order, PendingStep::Charging).await,
            }
        }
        Some(PendingStep::Committing) => settlement::commit_reservation(state, &order).await,
        Some(PendingStep::Releasing) => settlement::release_reservation(state, &order).await,
        Some(PendingStep::Refunding) => {
            let restock = order.status_reason.as_deref() != Some("stock_no_longer_held");
            crate::app::orders::refund(state, order.id, restock).await
        }
        Some(PendingStep::Restocking) => crate::app::orders::return_stock(state, order.id).await,
    }
}

/// A checkout that stopped before any money moved: let go of the stock, cancel the order, and
/// free the `Idempotency-Key` so the customer's retry runs anew.
async fn abandon(state: &State, order: &Order, step: PendingStep) -> Result<(), Error> {
    let reservation = match order.reservation_id {
        Some(id) => Some(id),
        // The catalog may hold stock for the order without us knowing its id: asking again for
        // the same order and lines answers that reservation (or makes one, released at once).
        None => match state
            .catalog
            .reserve(order.id, reservation_lines(order))
            .await?
        {
            Reserved::Held(reservation) => Some(reservation.id),
            Reserved::Short(_) | Reserved::OtherLines => None,
        },
    };
    if let Some(reservation) = reservation {
        // Sold already (the charge went through after all) is for the order's state to say.
        state.catalog.release(reservation).await?;
    }
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        status: Some(OrderStatus::Cancelled),
        step: None,
        reason: Some("checkout_interrupted".to_owned()),
        ..Transition::default()
    };
    let from = (OrderStatus::PendingPayment, Some(step));
    move_order(state, &mut transaction, order.id, from, change, |_| {
        OrderCancelled {
            order_id: order.id,
            user_id: order.user_id,
            refunded_amount: 0,
            reason: "checkout_interrupted".to_owned(),
        }
    })
    .await?;
    state.events.commit(transaction).await?;
    Claim::resume(order.user_id.to_string(), order.idempotency_key.clone())
        .abandon(&state.database)
        .await;
    Ok(())
}

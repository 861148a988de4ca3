//! How a checkout ends, once the provider has answered: the order's final state, the answer
//! stored for its `Idempotency-Key`, and the catalog told to commit or release the stock. The
//! checkout request runs these, and so does [`crate::app::recovery`] for a request that stopped.

use contracts::events::orders::{OrderPaid, OrderPaymentFailed};
use platform::ApiError;
use platform::idempotency::Claim;
use uuid::Uuid;

use crate::State;
use crate::app::orders::move_order;
use crate::app::views::OrderView;
use crate::clients::catalog::Committed;
use crate::domain::status::{OrderStatus, PendingStep};
use crate::error::Error;
use crate::store::{self, CartOwner, Order, Transition};

/// Where an order waits while its card is charged.
const CHARGING: (OrderStatus, Option<PendingStep>) =
    (OrderStatus::PendingPayment, Some(PendingStep::Charging));

/// The charge was approved: the order is paid, its lines leave the cart, the answer is stored
/// for the key (when a claim is given), and then the reservation is committed.
pub async fn finish_paid(
    state: &State,
    order_id: Uuid,
    payment_id: String,
    claim: Option<Claim>,
) -> Result<OrderView, Error> {
    let mut transaction = state.database.begin().await?;
    // The cart first (as a checkout takes it): a checkout of the same cart that read it before
    // this payment empties it finds the cart changed, not a cart still full.
    let cart = store::lock_cart(
        &mut transaction,
        state.database.backend(),
        CartOwner::CustomerOf(order_id),
    )
    .await?;
    let change = Transition {
        status: Some(OrderStatus::Paid),
        step: Some(PendingStep::Committing),
        payment_id: Some(payment_id),
        ..Transition::default()
    };
    let (order, moved) = move_order(
        state,
        &mut transaction,
        order_id,
        CHARGING,
        change,
        |order| OrderPaid {
            order_id,
            user_id: order.user_id,
            amount: order.total_amount,
            currency: order.currency.clone(),
        },
    )
    .await?;
    if !moved {
        // Finished elsewhere meanwhile (a slow request and recovery): its answer stands.
        return Ok(OrderView::from(order));
    }
    if let Some(cart) = cart {
        let bought: Vec<Uuid> = order.lines.iter().map(|line| line.product_id).collect();
        store::remove_items(&mut transaction, cart, &bought).await?;
    }
    let view = OrderView::from(order.clone());
    if let Some(claim) = claim {
        let body = serde_json::to_string(&view).map_err(anyhow::Error::from)?;
        claim.complete(&mut *transaction, 201, &body).await?;
    }
    state.events.commit(transaction).await?;
    // The order is paid and its answer stored: a catalog that cannot be told now is told by
    // recovery, and the customer still gets the paid order.
    if let Err(error) = commit_reservation(state, &order).await {
        tracing::warn!(order = %order_id, %error, "committing the reservation failed; recovery retries it");
    }
    Ok(view)
}

/// The charge was declined: the order failed with the reason, the 402 is stored for the key,
/// and then the reservation is released.
pub async fn finish_declined(
    state: &State,
    order_id: Uuid,
    reason: String,
    claim: Option<Claim>,
) -> Result<OrderView, Error> {
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        status: Some(OrderStatus::PaymentFailed),
        step: Some(PendingStep::Releasing),
        reason: Some(reason.clone()),
        ..Transition::default()
    };
    let (order, moved) = move_order(
        state,
        &mut transaction,
        order_id,
        CHARGING,
        change,
        |order| OrderPaymentFailed {
            order_id,
            user_id: order.user_id,
            reason: reason.clone(),
        },
    )
    .await?;
    if !moved {
        return Ok(OrderView::from(order));
    }
    let declined = || Error::PaymentDeclined {
        order_id,
        reason: reason.clone(),
    };
    if let Some(claim) = claim {
        let problem = ApiError::from(declined()).to_problem();
        let body = serde_json::to_string(&problem).map_err(anyhow::Error::from)?;
        claim.complete(&mut *transaction, 402, &body).await?;
    }
    state.events.commit(transaction).await?;
    if let Err(error) = release_reservation(state, &order).await {
        tracing::warn!(order = %order_id, %error, "releasing the reservation failed; recovery retries it");
    }
    Err(declined())
}

/// Step `committing`: the catalog sells the reserved stock. When it cannot (the reservation
/// expired while the order waited), the stock is gone: the money goes back and the order is
/// refunded with the reason.
pub async fn commit_reservation(state: &State, order: &Order) -> Result<(), Error> {
    let Some(reservation) = order.reservation_id else {
        return Err(Error::Internal(anyhow::anyhow!(
            "paid order {} has no reservation",
            order.id
        )));
    };
    let committed = state.catalog.commit(reservation).await?;
    let mut transaction = state.database.begin().await?;
    if committed == Committed::Sold {
        store::transition(
            &mut transaction,
            order.id,
            (OrderStatus::Paid, Some(PendingStep::Committing)),
            Transition::default(),
            platform::time::now(),
        )
        .await?;
        transaction.commit().await?;
        return Ok(());
    }
    tracing::error!(order = %order.id, "the catalog no longer holds a paid order's reservation; refunding");
    store::transition(
        &mut transaction,
        order.id,
        (OrderStatus::Paid, Some(PendingStep::Committing)),
        Transition {
            step: Some(PendingStep::Refunding),
            reason: Some("stock_no_longer_held".to_owned()),
            ..Transition::default()
        },
        platform::time::now(),
    )
    .await?;
    transaction.commit().await?;
    crate::app::orders::refund(state, order.id, false).await
}

/// Step `releasing`: the reserved stock goes back.
pub async fn release_reservation(state: &State, order: &Order) -> Result<(), Error> {
    if let Some(reservation) = order.reservation_id {
        state.catalog.release(reservation).await?;
    }
    let mut transaction = state.database.begin().await?;
    store::transition(
        &mut transaction,
        order.id,
        (order.status, Some(PendingStep::Releasing)),
        Transition::default(),
        platform::time::now(),
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

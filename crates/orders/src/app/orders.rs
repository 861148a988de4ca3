//! Orders after the checkout: reading them (customers their own, staff all), cancelling (a
//! paid order before it ships is refunded and its units go back to the catalog), shipping and
//! delivering (staff).

use contracts::auth::Role;
use contracts::events::Event;
use contracts::events::orders::{OrderCancelled, OrderDelivered, OrderShipped};
use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::clients::catalog::Restocked;
use crate::domain::status::{OrderStatus, PendingStep};
use crate::error::Error;
use crate::store::{self, Order, OrderFilter, Transition};

/// `POST /api/orders/{id}/shipment`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShipment {
    /// The carrier that took it, 1 to 100 characters.
    pub carrier: String,
    /// The carrier's tracking number, 1 to 100 characters.
    pub tracking_number: String,
}

/// An order the caller may see: its own, or any for staff. Another's is 404.
pub async fn get(state: &State, caller: &Caller, id: Uuid) -> Result<Order, Error> {
    let mut connection = state.database.pool().acquire().await?;
    let order = store::find_order(&mut connection, id)
        .await?
        .ok_or(Error::NotFound)?;
    if order.user_id == caller.user_id || caller.is_staff() {
        Ok(order)
    } else {
        Err(Error::NotFound)
    }
}

/// A page of orders, newest first: a customer's own; staff filter by customer and status.
pub async fn list(
    state: &State,
    caller: &Caller,
    mut filter: OrderFilter,
    before: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Order>, Error> {
    if caller.role == Role::Service {
        return Err(Error::Forbidden);
    }
    if !caller.is_staff() {
        filter.user_id = Some(caller.user_id);
    }
    let mut connection = state.database.pool().acquire().await?;
    Ok(store::list_orders(&mut connection, &filter, before, limit).await?)
}

fn changed_meanwhile() -> Error {
    Error::Conflict("The order changed meanwhile; read it again.".into())
}

fn illegal(order: &Order, to: &str) -> Error {
    if order.pending_step.is_some() || order.status == OrderStatus::PendingPayment {
        Error::Conflict(format!(
            "The order is {} and work on it is still under way; try again in a moment.",
            order.status
        ))
    } else {
        Error::Conflict(format!("An order that is {} cannot be {to}.", order.status))
    }
}

/// Moves order `id` from `from` as `change` says and, when it moved, publishes the event `tell`
/// makes of it, in the same transaction: the order's state and what the other services hear of
/// it never part. Answers the order as it is now, and whether this call moved it (`false`:
/// another request, or recovery, got there first).
pub(crate) async fn move_order<E: Event>(
    state: &State,
    transaction: &mut store::Transaction,
    id: Uuid,
    from: (OrderStatus, Option<PendingStep>),
    change: Transition,
    tell: impl FnOnce(&Order) -> E,
) -> Result<(Order, bool), Error> {
    let moved = store::transition(transaction, id, from, change, platform::time::now()).await?;
    let order = store::find_order(transaction, id)
        .await?
        .ok_or(Error::NotFound)?;
    if moved {
        state.events.publish(transaction, &tell(&order)).await?;
    }
    Ok((order, moved))
}

/// Cancels a paid order that has not shipped (its customer, or staff): the money goes back and
/// the units return to the catalog's stock.
pub async fn cancel(state: &State, caller: &Caller, id: Uuid) -> Result<Order, Error> {
    let order = get(state, caller, id).await?;
    if order.status != OrderStatus::Paid || order.pending_step.is_some() {
        return Err(illegal(&order, "cancelled"));
    }
    let mut transaction = state.database.begin().await?;
    let moved = store::transition(
        &mut transaction,
        id,
        (OrderStatus::Paid, None),
        Transition {
            step: Some(PendingStep::Refunding),
            reason: Some(if order.user_id == caller.user_id {
                "cancelled_by_customer".to_owned()
            } else {
                "cancelled_by_staff".to_owned()
            }),
            ..Transition::default()
        },
        platform::time::now(),
    )
    .await?;
    transaction.commit().await?;
    if !moved {
        let now = get(state, caller, id).await?;
        return Err(illegal(&now, "cancelled"));
    }
    refund(state, id, true).await?;
    get(state, caller, id).await
}

/// Step `refunding`: returns the money (once: the refund's key is the order's), records the
/// order refunded, then gives the units back when `restock` (they were sold).
pub async fn refund(state: &State, id: Uuid, restock: bool) -> Result<(), Error> {
    let mut connection = state.database.pool().acquire().await?;
    let order = store::find_order(&mut connection, id)
        .await?
        .ok_or(Error::NotFound)?;
    drop(connection);
    let payment = order.payment_id.clone().ok_or_else(|| {
        Error::Internal(anyhow::anyhow!("order {id} is refunding without a payment"))
    })?;
    let refunded = state
        .payments
        .refund(&payment, order.total_amount, &format!("refund-{id}"))
        .await?;
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        status: Some(OrderStatus::Refunded),
        step: restock.then_some(PendingStep::Restocking),
        refund_id: Some(refunded.id),
        ..Transition::default()
    };
    let from = (OrderStatus::Paid, Some(PendingStep::Refunding));
    let (_, moved) = move_order(state, &mut transaction, id, from, change, |_| {
        OrderCancelled {
            order_id: id,
            user_id: order.user_id,
            refunded_amount: order.total_amount,
            reason: order.status_reason.clone().unwrap_or_default(),
        }
    })
    .await?;
    state.events.commit(transaction).await?;
    if moved && restock {
        return_stock(state, id).await?;
    }
    Ok(())
}

/// The reference of an order's returned units in the catalog's adjustments.
fn refund_reference(order: Uuid) -> String {
    format!("order:{order}:refund")
}

/// Step `restocking`: each line not yet returned goes back to the catalog's stock.
///
/// A line is marked returned after the catalog confirms; a stop between the two sends it again,
/// with the same reference (the order), and the catalog applies one adjustment per product and
/// reference: the units come back once.
pub async fn return_stock(state: &State, id: Uuid) -> Result<(), Error> {
    let mut connection = state.database.pool().acquire().await?;
    let order = store::find_order(&mut connection, id)
        .await?
        .ok_or(Error::NotFound)?;
    drop(connection);
    for line in order.lines.iter().filter(|line| !line.restocked) {
        let restocked = state
            .catalog
            .restock(
                line.product_id,
                line.quantity,
                format!("order {id} refunded"),
                refund_reference(id),
            )
            .await?;
        if let Restocked::Refused(status) = restocked {
            tracing::error!(order = %id, product = %line.product_id, %status, "the catalog refused returned units; fix its stock by hand");
        }
        store::mark_restocked(state.database.writer(), id, line.product_id).await?;
    }
    let mut transaction = state.database.begin().await?;
    store::transition(
        &mut transaction,
        id,
        (OrderStatus::Refunded, Some(PendingStep::Restocking)),
        Transition::default(),
        platform::time::now(),
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

/// Staff hand a paid order to a carrier: it is `shipped` with its tracking number.
pub async fn ship(
    state: &State,
    caller: &Caller,
    id: Uuid,
    input: NewShipment,
) -> Result<Order, Error> {
    caller.require_staff()?;
    let mut errors = Vec::new();
    let carrier = clean_text("carrier", &input.carrier, 1, 100)
        .map_err(|error| errors.push(error))
        .ok();
    let number = clean_text("tracking_number", &input.tracking_number, 1, 100)
        .map_err(|error| errors.push(error))
        .ok();
    let (Some(carrier), Some(number)) = (carrier, number) else {
        return Err(Error::Invalid(errors));
    };
    let order = get(state, caller, id).await?;
    if !order.status.can_move_to(OrderStatus::Shipped) || order.pending_step.is_some() {
        return Err(illegal(&order, "shipped"));
    }
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        status: Some(OrderStatus::Shipped),
        tracking: Some((carrier.clone(), number.clone())),
        ..Transition::default()
    };
    let (_, moved) = move_order(
        state,
        &mut transaction,
        id,
        (order.status, None),
        change,
        |_| OrderShipped {
            order_id: id,
            user_id: order.user_id,
            carrier,
            tracking_number: number,
        },
    )
    .await?;
    if !moved {
        return Err(changed_meanwhile());
    }
    state.events.commit(transaction).await?;
    get(state, caller, id).await
}

/// Staff record that a shipped order arrived.
pub async fn deliver(state: &State, caller: &Caller, id: Uuid) -> Result<Order, Error> {
    caller.require_staff()?;
    let order = get(state, caller, id).await?;
    if !order.status.can_move_to(OrderStatus::Delivered) || order.pending_step.is_some() {
        return Err(illegal(&order, "delivered"));
    }
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        status: Some(OrderStatus::Delivered),
        ..Transition::default()
    };
    let (_, moved) = move_order(
        state,
        &mut transaction,
        id,
        (order.status, None),
        change,
        |_| OrderDelivered {
            order_id: id,
            user_id: order.user_id,
        },
    )
    .await?;
    if !moved {
        return Err(changed_meanwhile());
    }
    state.events.commit(transaction).await?;
    get(state, caller, id).await
}

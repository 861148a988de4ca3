//! Stock for orders: reservations (all lines or none, once per order), their commit (the sale)
//! and release (stock returns), expiry of forgotten ones, and recorded adjustments.
//!
//! Reservations are for the orders service (a service token) and administrators. Adjustments
//! are for administrators, a product's own seller, and the orders service (stock coming back
//! from a cancelled order).

use contracts::auth::Role;
use contracts::events::catalog::StockDepleted;
use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::error::Error;
use crate::store::{self, Reservation, ReservationStatus, StoreError};

/// The most lines a reservation has.
pub const MAX_LINES: usize = 100;
/// The most units of one product a line reserves.
pub const MAX_QUANTITY: i64 = 1000;

/// One line of a reservation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// The product.
    pub product_id: Uuid,
    /// 1 to 1,000 units.
    pub quantity: i64,
}

/// A reservation for an order.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReservation {
    /// The order; asking again for the same order gives the same answer.
    pub order_id: Uuid,
    /// 1 to 100 lines, one per product.
    pub lines: Vec<LineInput>,
}

/// A change of stock by hand.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockAdjustment {
    /// Units to add (positive) or remove (negative), not zero.
    pub delta: i64,
    /// Why, 1 to 200 characters (a delivery arrived, a count found breakage, ...).
    pub reason: String,
    /// What caused it, 1 to 100 characters, when the caller can name it (the orders service
    /// sends the refunded order): an adjustment whose reference this product has seen is not
    /// applied again, and the answer is the product as it is, so a retry is safe.
    #[serde(default)]
    pub reference: Option<String>,
}

/// The lines, checked, merged by nothing (a product twice is an error), sorted by product (the
/// order rows are locked in, so two reservations never wait for each other in a circle).
fn parse_lines(lines: &[LineInput]) -> Result<Vec<(Uuid, i64)>, Error> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(Error::invalid(
            "lines",
            "out_of_range",
            format!("1 to {MAX_LINES} lines"),
        ));
    }
    let mut parsed: Vec<(Uuid, i64)> = Vec::with_capacity(lines.len());
    for line in lines {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(Error::invalid(
                "lines.quantity",
                "out_of_range",
                format!("1 to {MAX_QUANTITY} units"),
            ));
        }
        if parsed
            .iter()
            .any(|(product, _)| *product == line.product_id)
        {
            return Err(Error::invalid(
                "lines.product_id",
                "duplicate",
                "one line per product",
            ));
        }
        parsed.push((line.product_id, line.quantity));
    }
    parsed.sort();
    Ok(parsed)
}

fn lines_hash(lines: &[(Uuid, i64)]) -> String {
    let text: Vec<String> = lines
        .iter()
        .map(|(product, quantity)| format!("{product}:{quantity}"))
        .collect();
    platform::idempotency::request_hash("RESERVE", "", text.join(",").as_bytes())
}

/// Reserves every line or none. The same order asked again gets its reservation back (`false`:
/// not new); with other lines it is a conflict.
pub async fn reserve(
    state: &State,
    caller: &Caller,
    input: NewReservation,
) -> Result<(Reservation, bool), Error> {
    caller.require(&[Role::Admin, Role::Service])?;
    let lines = parse_lines(&input.lines)?;
    let hash = lines_hash(&lines);
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    if let Some(existing) =
        store::find_reservation_by_order(&mut transaction, input.order_id).await?
    {
        return replay(existing, &hash);
    }
    let reservation = Reservation {
        id: Uuid::now_v7(),
        order_id: input.order_id,
        request_hash: hash.clone(),
        status: ReservationStatus::Held,
        lines: lines.clone(),
        expires_at: now
            + time::Duration::try_from(state.reservation_ttl)
                .unwrap_or(time::Duration::MINUTE * 15),
        created_at: now,
        updated_at: now,
    };
    // The reservation row first: a concurrent request for the same order waits on its key.
    match store::insert_reservation(&mut transaction, &reservation).await {
        Ok(()) => {}
        Err(StoreError::DuplicateOrder) => {
            drop(transaction);
            let mut reading = state.database.begin().await?;
            let existing = store::find_reservation_by_order(&mut reading, input.order_id)
                .await?
                .ok_or(Error::NotFound)?;
            return replay(existing, &hash);
        }
        Err(error) => return Err(error.into()),
    }
    let mut short = Vec::new();
    let mut depleted = Vec::new();
    for (product, quantity) in &lines {
        match store::take_stock(&mut transaction, *product, *quantity, now).await? {
            Some(0) => depleted.push(*product),
            Some(_) => {}
            None => short.push((*product, *quantity)),
        }
    }
    if !short.is_empty() {
        transaction.rollback().await?;
        let mut report = Vec::with_capacity(short.len());
        for (product, requested) in short {
            let available = store::available(state.database.pool(), product)
                .await?
                .unwrap_or(0);
            report.push((product, requested, available));
        }
        return Err(Error::InsufficientStock(report));
    }
    store::insert_reservation_lines(&mut transaction, &reservation).await?;
    for product in depleted {
        state
            .events
            .publish(
                &mut transaction,
                &StockDepleted {
                    product_id: product,
                },
            )
            .await?;
    }
    state.events.commit(transaction).await?;
    Ok((reservation, true))
}

fn replay(existing: Reservation, hash: &str) -> Result<(Reservation, bool), Error> {
    if existing.request_hash == hash {
        Ok((existing, false))
    } else {
        Err(Error::Conflict(
            "This order has a reservation with other lines; release it to reserve anew.".into(),
        ))
    }
}

/// One reservation.
pub async fn get(state: &State, caller: &Caller, id: Uuid) -> Result<Reservation, Error> {
    caller.require(&[Role::Admin, Role::Service])?;
    let mut transaction = state.database.begin().await?;
    store::find_reservation(&mut transaction, id)
        .await?
        .ok_or(Error::NotFound)
}

/// The sale happened: a held reservation is committed (its pets are sold). Committing twice is
/// no error; a released or expired reservation cannot be committed.
pub async fn commit(state: &State, caller: &Caller, id: Uuid) -> Result<Reservation, Error> {
    caller.require(&[Role::Admin, Role::Service])?;
    settle(state, id, ReservationStatus::Committed).await
}

/// The order let go: stock returns (pets are available again). Releasing twice, or releasing an
/// expired reservation, is no error; a committed one cannot be released.
pub async fn release(state: &State, caller: &Caller, id: Uuid) -> Result<Reservation, Error> {
    caller.require(&[Role::Admin, Role::Service])?;
    settle(state, id, ReservationStatus::Released).await
}

/// Releases every held reservation whose time has passed; returns how many.
pub async fn expire(state: &State) -> Result<usize, Error> {
    let expired = store::expired_reservations(state.database.pool(), platform::time::now()).await?;
    for id in &expired {
        match settle(state, *id, ReservationStatus::Expired).await {
            // Committed or released meanwhile: nothing to expire.
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(expired.len())
}

async fn settle(state: &State, id: Uuid, to: ReservationStatus) -> Result<Reservation, Error> {
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    let current = store::find_reservation(&mut transaction, id)
        .await?
        .ok_or(Error::NotFound)?;
    let already = match (current.status, to) {
        (ReservationStatus::Held, _) => false,
        (ReservationStatus::Committed, ReservationStatus::Committed)
        | (
            ReservationStatus::Released | ReservationStatus::Expired,
            ReservationStatus::Released | ReservationStatus::Expired,
        ) => true,
        (status, _) => {
            return Err(Error::Conflict(format!(
                "The reservation is {}.",
                status.as_str()
            )));
        }
    };
    if already {
        return Ok(current);
    }
    if !store::settle_reservation(&mut transaction, id, to, now).await? {
        return Err(Error::Conflict(
            "The reservation changed meanwhile; read it again.".into(),
        ));
    }
    for (product, quantity) in &current.lines {
        if to == ReservationStatus::Committed {
            store::sell(&mut transaction, *product, now).await?;
        } else {
            store::return_stock(&mut transaction, *product, *quantity, now).await?;
        }
    }
    state.events.commit(transaction).await?;
    Ok(Reservation {
        status: to,
        updated_at: now,
        ..current
    })
}

/// Adds to or takes from a product's stock by hand, recorded with its reason (administrators,
/// or the product's own seller). Stock cannot go below zero, nor a pet beyond one animal.
pub async fn adjust(
    state: &State,
    caller: &Caller,
    product_id: Uuid,
    input: StockAdjustment,
) -> Result<store::Product, Error> {
    let product = crate::app::products::get(state, product_id).await?;
    if caller.role != Role::Service {
        crate::app::products::may_change(caller, &product)?;
    }
    let reason =
        clean_text("reason", &input.reason, 1, 200).map_err(|e| Error::Invalid(vec![e]))?;
    if input.delta == 0 || input.delta.abs() > crate::domain::product::MAX_STOCK {
        return Err(Error::invalid(
            "delta",
            "out_of_range",
            "a non-zero change of at most 1,000,000",
        ));
    }
    let reference = input
        .reference
        .as_deref()
        .map(|reference| clean_text("reference", reference, 1, 100))
        .transpose()
        .map_err(|e| Error::Invalid(vec![e]))?;
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    let adjusted = store::adjust_stock(
        &mut transaction,
        product_id,
        input.delta,
        &reason,
        reference.as_deref(),
        caller.user_id,
        now,
    )
    .await?;
    let left = match adjusted {
        store::Adjusted::To(left) => left,
        store::Adjusted::AlreadyApplied => {
            drop(transaction);
            return crate::app::products::get(state, product_id).await;
        }
        store::Adjusted::OutOfBounds => {
            return Err(Error::Conflict(format!(
                "The stock is {}; it cannot go below zero{}.",
                product.stock,
                if product.kind == crate::domain::product::Kind::Pet {
                    " nor above one for a pet"
                } else {
                    ""
                }
            )));
        }
    };
    if left == 0 && product.stock > 0 {
        state
            .events
            .publish(&mut transaction, &StockDepleted { product_id })
            .await?;
    }
    state.events.commit(transaction).await?;
    crate::app::products::get(state, product_id).await
}

/// How many adjustments the history shows.
pub const HISTORY_LENGTH: i64 = 100;

/// A product's latest adjustments, newest first (administrators, or the product's seller).
pub async fn history(
    state: &State,
    caller: &Caller,
    product_id: Uuid,
) -> Result<Vec<store::Adjustment>, Error> {
    let product = crate::app::products::get(state, product_id).await?;
    crate::app::products::may_change(caller, &product)?;
    Ok(store::list_adjustments(state.database.pool(), product_id, HISTORY_LENGTH).await?)
}

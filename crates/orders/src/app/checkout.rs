//! The checkout: from a customer's cart to a paid order, in an order that keeps every failure
//! clear and every retry safe.
//!
//! 1. Check the input (address, delivery option, card) and price the cart from the catalog.
//! 2. Record the order (`pending_payment`, step `reserving`).
//! 3. Reserve the stock in the catalog, every line or none (409 naming the short ones; the
//!    order never was, and is deleted).
//! 4. Record step `charging`, then charge the card with the order id as the provider's
//!    idempotency key.
//! 5. Approved: the order is `paid` (step `committing`), its lines leave the cart, and the
//!    answer is stored for the `Idempotency-Key`, all in one transaction; then the reservation is
//!    committed. Declined: `payment_failed` with the reason (step `releasing`), answer 402 stored;
//!    then the reservation is released.
//!
//! Up to step 4 a failure frees the `Idempotency-Key` (nothing was charged). From step 4 on it
//! does not: a retry gets 409 until [`crate::app::recovery`] has brought the order to its end, and
//! then the stored answer.

use contracts::clients::catalog::{Product, ReservationLine};
use contracts::events::orders::{OrderPlaced, OrderedProduct};
use platform::auth::Caller;
use platform::idempotency::Claim;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::orders::move_order;
use crate::app::settlement::{finish_declined, finish_paid};
use crate::app::views::OrderView;
use crate::clients::catalog::Reserved;
use crate::clients::payments::{ChargeRequest, Outcome};
use crate::domain::address::ShippingAddress;
use crate::domain::card::Card;
use crate::domain::status::{OrderStatus, PendingStep};
use crate::error::Error;
use crate::store::{self, CartItem, CartOwner, Order, OrderLine, PriceChange, Transition};

/// How many times a charge is asked again after the provider failed to answer.
const CHARGE_ATTEMPTS: u32 = 3;

/// The card, as the checkout form sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// Always `card`.
    pub method: String,
    /// The card number (spaces and dashes allowed). Never stored or logged.
    pub number: String,
    /// 1 to 12.
    pub exp_month: u32,
    /// Four digits.
    pub exp_year: i32,
    /// The 3 or 4 digits on the card. Never stored.
    pub cvc: String,
    /// The name on the card.
    pub holder: String,
}

/// `POST /checkout`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutInput {
    /// Where the order goes.
    pub shipping_address: ShippingAddress,
    /// The delivery option's id.
    pub delivery_option: Uuid,
    /// How it is paid.
    pub payment: PaymentInput,
}

impl CheckoutInput {
    /// The request as fingerprinted for its `Idempotency-Key`: the card number reduced to its
    /// last four digits and the CVC left out, so that no stored hash derives from them.
    pub fn fingerprint(body: &serde_json::Value) -> serde_json::Value {
        let mut redacted = body.clone();
        if let Some(payment) = redacted
            .get_mut("payment")
            .and_then(serde_json::Value::as_object_mut)
        {
            if let Some(number) = payment.get("number").and_then(serde_json::Value::as_str) {
                let digits: String = number.chars().filter(char::is_ascii_digit).collect();
                let last4 = digits[digits.len().saturating_sub(4)..].to_owned();
                payment.insert("number".into(), serde_json::Value::String(last4));
            }
            payment.remove("cvc");
        }
        redacted
    }
}

/// Runs a checkout for `caller` under the claimed `Idempotency-Key`.
pub async fn checkout(
    state: &State,
    caller: &Caller,
    input: CheckoutInput,
    key: &str,
    claim: Claim,
) -> Result<OrderView, Error> {
    let (order, card) = match place(state, caller, input, key).await {
        Ok(placed) => placed,
        Err(error) => {
            claim.abandon(&state.database).await;
            return Err(error);
        }
    };
    charge(state, order, &card, claim).await
}

/// Steps 1 to 3: an order with its stock held, ready to charge, and the card to charge.
async fn place(
    state: &State,
    caller: &Caller,
    input: CheckoutInput,
    key: &str,
) -> Result<(Order, Card), Error> {
    let mut errors = Vec::new();
    let address = input
        .shipping_address
        .parse()
        .map_err(|fields| errors.extend(fields))
        .ok();
    if input.payment.method != "card" {
        errors.push(platform::FieldError::new(
            "payment.method",
            "unsupported",
            "the only method is `card`",
        ));
    }
    let payment = input.payment;
    let card = Card::parse(
        &payment.number,
        payment.exp_month,
        payment.exp_year,
        &payment.cvc,
        &payment.holder,
    )
    .map_err(|fields| errors.extend(fields))
    .ok();
    let option = store::find_delivery_option(state.database.pool(), input.delivery_option)
        .await?
        .filter(|option| option.active);
    if option.is_none() {
        errors.push(platform::FieldError::new(
            "delivery_option",
            "unknown",
            "no such delivery option is offered",
        ));
    }
    let (Some(address), Some(card), Some(option), true) =
        (address, card, option, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };

    let Some((_, items)) = crate::app::carts::items_of(state, caller.user_id)
        .await?
        .filter(|(_, items)| !items.is_empty())
    else {
        return Err(Error::Conflict("The cart is empty.".into()));
    };
    let ids: Vec<Uuid> = items.iter().map(|item| item.product_id).collect();
    let products = state.catalog.products(&ids).await?;
    let find = |id: Uuid| -> Option<&Product> {
        products
            .iter()
            .find(|product| product.id == id && product.status == "active")
    };
    let gone: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| find(*id).is_none())
        .collect();
    if !gone.is_empty() {
        return Err(Error::Unavailable(gone));
    }
    let mut lines = Vec::with_capacity(items.len());
    let mut price_changes = Vec::new();
    let mut items_amount: i64 = 0;
    for item in &items {
        let Some(product) = find(item.product_id) else {
            continue;
        };
        if product.price.currency != option.currency {
            return Err(Error::Conflict(format!(
                "{} is priced in {}, the delivery in {}; an order is in one currency.",
                product.name, product.price.currency, option.currency
            )));
        }
        if product.price.amount != item.price_amount {
            price_changes.push(PriceChange {
                product_id: product.id,
                cart_amount: item.price_amount,
                charged_amount: product.price.amount,
            });
        }
        items_amount = product
            .price
            .amount
            .checked_mul(item.quantity)
            .and_then(|line| items_amount.checked_add(line))
            .ok_or_else(|| Error::Conflict("The order is too large to pay at once.".into()))?;
        lines.push(OrderLine {
            product_id: product.id,
            name: product.name.clone(),
            unit_amount: product.price.amount,
            quantity: item.quantity,
            restocked: false,
        });
    }
    let now = platform::time::now();
    let order = Order {
        id: Uuid::now_v7(),
        user_id: caller.user_id,
        status: OrderStatus::PendingPayment,
        pending_step: Some(PendingStep::Reserving),
        status_reason: None,
        currency: option.currency.clone(),
        items_amount,
        delivery_amount: option.price_amount,
        total_amount: items_amount + option.price_amount,
        delivery_option_id: option.id,
        delivery_carrier: option.carrier.clone(),
        delivery_name: option.name.clone(),
        estimated_days: option.estimated_days,
        shipping_address: address,
        price_changes,
        idempotency_key: key.to_owned(),
        reservation_id: None,
        card_brand: card.brand().to_owned(),
        card_last4: card.last4().to_owned(),
        payment_id: None,
        refund_id: None,
        tracking_carrier: None,
        tracking_number: None,
        paid_at: None,
        shipped_at: None,
        delivered_at: None,
        cancelled_at: None,
        created_at: now,
        updated_at: now,
        lines,
    };
    let mut transaction = state.database.begin().await?;
    // The cart is read again under its lock: a payment of the same cart (another tab) that
    // finished since it was first read has emptied it, and this checkout must not charge it
    // again.
    let cart = store::lock_cart(
        &mut transaction,
        state.database.backend(),
        CartOwner::User(caller.user_id),
    )
    .await?;
    let still = match cart {
        Some(cart) => store::cart_items(&mut *transaction, cart).await?,
        None => Vec::new(),
    };
    if !same_lines(&items, &still) {
        return Err(Error::Conflict(
            "The cart changed while it was being checked out; review it and try again.".into(),
        ));
    }
    if !store::insert_order(&mut transaction, &order).await? {
        return Err(Error::Conflict(
            "Another checkout of yours is taking payment; wait for it to finish.".into(),
        ));
    }
    transaction.commit().await?;

    // If this process stops from here on, recovery finds the order in `reserving` and lets go
    // of whatever the catalog holds for it.
    let reserved = state
        .catalog
        .reserve(order.id, reservation_lines(&order))
        .await?;
    let reservation = match reserved {
        Reserved::Held(reservation) => reservation,
        Reserved::Short(short) => {
            let mut transaction = state.database.begin().await?;
            store::delete_order(&mut transaction, order.id).await?;
            transaction.commit().await?;
            return Err(Error::InsufficientStock(short));
        }
        Reserved::OtherLines => {
            return Err(Error::Internal(anyhow::anyhow!(
                "the catalog holds other lines for the new order {}",
                order.id
            )));
        }
    };
    let mut transaction = state.database.begin().await?;
    let change = Transition {
        step: Some(PendingStep::Charging),
        reservation_id: Some(reservation.id),
        ..Transition::default()
    };
    let reserving = (OrderStatus::PendingPayment, Some(PendingStep::Reserving));
    let (placed, moved) = move_order(
        state,
        &mut transaction,
        order.id,
        reserving,
        change,
        |placed| OrderPlaced {
            order_id: placed.id,
            user_id: placed.user_id,
            total_amount: placed.total_amount,
            currency: placed.currency.clone(),
            lines: placed
                .lines
                .iter()
                .map(|line| OrderedProduct {
                    product_id: line.product_id,
                    quantity: line.quantity,
                })
                .collect(),
        },
    )
    .await?;
    if !moved {
        return Err(Error::Conflict(
            "The checkout was taken over by recovery; see your orders.".into(),
        ));
    }
    state.events.commit(transaction).await?;
    Ok((placed, card))
}

/// The lines a reservation asks for.
pub fn reservation_lines(order: &Order) -> Vec<ReservationLine> {
    order
        .lines
        .iter()
        .map(|line| ReservationLine {
            product_id: line.product_id,
            quantity: line.quantity,
        })
        .collect()
}

/// Steps 4 and 5.
async fn charge(
    state: &State,
    order: Order,
    card: &Card,
    claim: Claim,
) -> Result<OrderView, Error> {
    let key = order.id.to_string();
    let mut attempt = 0;
    let charged = loop {
        attempt += 1;
        let request = ChargeRequest {
            idempotency_key: &key,
            amount: order.total_amount,
            currency: &order.currency,
            card,
        };
        match state.payments.charge(request).await {
            Ok(charge) => break Some(charge),
            Err(error) if attempt < CHARGE_ATTEMPTS => {
                tracing::warn!(order = %order.id, %error, attempt, "charging again");
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(attempt)))
                    .await;
            }
            Err(error) => {
                tracing::warn!(order = %order.id, %error, "the payment provider did not answer");
                // Nothing known: did a charge happen? Ask by the key.
                match state.payments.find_charge(&key).await {
                    Ok(found) => break found,
                    Err(error) => {
                        // Recovery asks again later; the key stays claimed until then.
                        return Err(error.into());
                    }
                }
            }
        }
    };
    match charged {
        Some(charge) if charge.outcome == Outcome::Approved => {
            finish_paid(state, order.id, charge.id, Some(claim)).await
        }
        Some(charge) => {
            let Outcome::Declined(reason) = charge.outcome else {
                return Err(Error::Internal(anyhow::anyhow!("unreachable outcome")));
            };
            finish_declined(state, order.id, reason, Some(claim)).await
        }
        None => {
            finish_declined(
                state,
                order.id,
                "provider_unavailable".to_owned(),
                Some(claim),
            )
            .await
        }
    }
}

/// True when two reads of a cart hold the same products in the same quantities.
fn same_lines(before: &[CartItem], now: &[CartItem]) -> bool {
    let lines = |items: &[CartItem]| {
        let mut lines: Vec<(Uuid, i64)> = items
            .iter()
            .map(|item| (item.product_id, item.quantity))
            .collect();
        lines.sort_unstable();
        lines
    };
    lines(before) == lines(now)
}

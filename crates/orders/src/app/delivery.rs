//! Delivery options: carriers, prices and estimates, managed by administrators and offered at
//! checkout. The chosen option's price is part of the order's total; an order keeps the option as
//! it was when placed.

use contracts::auth::Role;
use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::error::Error;
use crate::store::{self, DeliveryOption};

/// The dearest delivery, in minor units.
const MAX_PRICE: i64 = 100_000_000;

/// A new delivery option.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeliveryOption {
    /// Who carries it, 1 to 100 characters.
    pub carrier: String,
    /// What the customer picks, 1 to 100 characters (`Standard`, `Express`).
    pub name: String,
    /// Its price.
    pub price: contracts::money::Money,
    /// Days to arrive, 0 to 60.
    pub estimated_days: i64,
    /// Offered at checkout (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Changes to a delivery option: only the fields sent change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryOptionChange {
    /// Who carries it.
    pub carrier: Option<String>,
    /// What the customer picks.
    pub name: Option<String>,
    /// Its price.
    pub price: Option<contracts::money::Money>,
    /// Days to arrive, 0 to 60.
    pub estimated_days: Option<i64>,
    /// Offered at checkout.
    pub active: Option<bool>,
}

/// Checks an option; an active one must be priced in `shop_currency` (one made before the shop
/// changed its currency may stay, withdrawn).
fn check(option: &DeliveryOption, shop_currency: &str) -> Result<DeliveryOption, Error> {
    let mut errors = Vec::new();
    let carrier = clean_text("carrier", &option.carrier, 1, 100)
        .map_err(|error| errors.push(error))
        .unwrap_or_default();
    let name = clean_text("name", &option.name, 1, 100)
        .map_err(|error| errors.push(error))
        .unwrap_or_default();
    if !(0..=MAX_PRICE).contains(&option.price_amount) {
        errors.push(platform::FieldError::new(
            "price.amount",
            "out_of_range",
            format!("minor units, 0 to {MAX_PRICE}"),
        ));
    }
    // The currency as contracts::money checks every price (its amount bound is the catalog's,
    // higher than a delivery's, so the amount is checked above).
    let price = contracts::money::Money::new(option.price_amount, &option.currency);
    let problems = if option.active {
        price.validate_in(shop_currency)
    } else {
        price.validate()
    };
    for (field, code, message) in problems {
        if field == "currency" {
            errors.push(platform::FieldError::new("price.currency", code, message));
        }
    }
    if !(0..=60).contains(&option.estimated_days) {
        errors.push(platform::FieldError::new(
            "estimated_days",
            "out_of_range",
            "0 to 60 days",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(DeliveryOption {
        carrier,
        name,
        ..option.clone()
    })
}

/// The options: the offered ones, or every one for an administrator asking for `all`.
pub async fn list(
    state: &State,
    caller: Option<&Caller>,
    all: bool,
) -> Result<Vec<DeliveryOption>, Error> {
    let all = all && caller.is_some_and(|caller| caller.role == Role::Admin);
    Ok(store::list_delivery_options(state.database.pool(), all).await?)
}

/// Adds an option (administrators).
pub async fn create(
    state: &State,
    caller: &Caller,
    input: NewDeliveryOption,
) -> Result<DeliveryOption, Error> {
    caller.require_admin()?;
    insert(state, input).await
}

/// Stores an option after checking it (the demo seeds through here too).
pub async fn insert(state: &State, input: NewDeliveryOption) -> Result<DeliveryOption, Error> {
    let now = platform::time::now();
    let option = check(
        &DeliveryOption {
            id: Uuid::now_v7(),
            carrier: input.carrier,
            name: input.name,
            price_amount: input.price.amount,
            currency: input.price.currency,
            estimated_days: input.estimated_days,
            active: input.active,
            version: 1,
            created_at: now,
            updated_at: now,
        },
        &state.currency,
    )?;
    store::insert_delivery_option(state.database.writer(), &option).await?;
    Ok(option)
}

/// Changes an option (administrators); with `If-Match`, only from that version.
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &platform::http::IfMatch,
    change: DeliveryOptionChange,
) -> Result<DeliveryOption, Error> {
    caller.require_admin()?;
    let mut transaction = state.database.begin().await?;
    let current = store::find_delivery_option(&mut *transaction, id)
        .await?
        .ok_or(Error::NotFound)?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let (price_amount, currency) = match change.price {
        Some(price) => (price.amount, price.currency),
        None => (current.price_amount, current.currency.clone()),
    };
    let updated = check(
        &DeliveryOption {
            carrier: change.carrier.unwrap_or_else(|| current.carrier.clone()),
            name: change.name.unwrap_or_else(|| current.name.clone()),
            price_amount,
            currency,
            estimated_days: change.estimated_days.unwrap_or(current.estimated_days),
            active: change.active.unwrap_or(current.active),
            version: current.version + 1,
            updated_at: platform::time::now(),
            ..current.clone()
        },
        &state.currency,
    )?;
    if !store::update_delivery_option(&mut transaction, &updated, current.version).await? {
        return Err(Error::Stale);
    }
    transaction.commit().await?;
    Ok(updated)
}

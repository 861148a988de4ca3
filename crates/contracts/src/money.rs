//! Money, as every service that prices agrees on it: an integer amount in minor units and an
//! ISO 4217 currency code, never a float.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The ISO 4217 currencies the shop prices in: the catalog's prices and the orders service's
/// delivery options must both come from this list, or an order could not add them up.
pub const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "MXN", "ARS", "CLP", "COP", "PEN"];

/// The currency a shop sells in unless configured otherwise (`TIENDA_SHOP_CURRENCY`).
pub const DEFAULT_CURRENCY: &str = "EUR";

/// The highest amount a price may have, in minor units (ten million in major units).
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// An amount of money, as the API shows and takes it. Unknown fields are refused: the shape is
/// the convention itself, and a typo (`"ammount"`) must not pass as a missing amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Minor units (cents): `1299` is 12.99.
    pub amount: i64,
    /// ISO 4217 code, one of EUR, USD, GBP, MXN, ARS, CLP, COP, PEN.
    pub currency: String,
}

impl Money {
    /// `amount` minor units of `currency`.
    pub fn new(amount: i64, currency: &str) -> Self {
        Self {
            amount,
            currency: currency.to_owned(),
        }
    }

    /// Checks a price: the amount (0 to [`MAX_AMOUNT`]) and the currency (one of
    /// [`CURRENCIES`]). Answers the problem per field (`amount`, `currency`) as
    /// `(field, code, message)`, for the caller to place in its own field errors.
    pub fn validate(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut problems = Vec::new();
        if !(0..=MAX_AMOUNT).contains(&self.amount) {
            problems.push((
                "amount",
                "out_of_range",
                format!("the amount is in minor units, 0 to {MAX_AMOUNT}"),
            ));
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            problems.push((
                "currency",
                "unsupported",
                format!("the currency must be one of {}", CURRENCIES.join(", ")),
            ));
        }
        problems
    }

    /// As [`Money::validate`], and the currency must be `shop`'s: a shop sells in one currency
    /// (ADR 0011), so that a cart adds up and every product can be delivered and paid for.
    pub fn validate_in(&self, shop: &str) -> Vec<(&'static str, &'static str, String)> {
        let mut problems = self.validate();
        if problems.iter().all(|(field, _, _)| *field != "currency") && self.currency != shop {
            problems.push((
                "currency",
                "not_shop_currency",
                format!("the shop sells in {shop}: prices are in {shop}"),
            ));
        }
        problems
    }
}

/// A configured shop currency, when it is one the shop may price in.
pub fn shop_currency(code: &str) -> Result<String, String> {
    let code = code.trim();
    if CURRENCIES.contains(&code) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "the shop's currency must be one of {}, not {code:?}",
            CURRENCIES.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_or_huge_amounts_and_unknown_currencies_are_refused() {
        assert!(Money::new(0, "EUR").validate().is_empty());
        assert!(Money::new(MAX_AMOUNT, "USD").validate().is_empty());
        assert_eq!(Money::new(-1, "EUR").validate()[0].0, "amount");
        assert_eq!(Money::new(MAX_AMOUNT + 1, "EUR").validate()[0].0, "amount");
        assert_eq!(Money::new(100, "eur").validate()[0].0, "currency");
        assert_eq!(Money::new(100, "XXX").validate()[0].0, "currency");
    }

    #[test]
    fn a_shop_takes_prices_in_its_own_currency_only() {
        assert!(Money::new(1500, "EUR").validate_in("EUR").is_empty());
        let other = Money::new(4500, "COP").validate_in("EUR");
        assert_eq!(other.len(), 1);
        assert_eq!((other[0].0, other[0].1), ("currency", "not_shop_currency"));
        // An unknown currency is said once, as unsupported.
        let unknown = Money::new(100, "XXX").validate_in("EUR");
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].1, "unsupported");
        assert_eq!(shop_currency(" COP ").as_deref(), Ok("COP"));
        assert!(shop_currency("XXX").is_err());
        assert!(shop_currency("eur").is_err());
    }
}

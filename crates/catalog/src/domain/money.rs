//! Money: an integer amount in minor units and an ISO 4217 currency code, never a float.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The highest price accepted, in minor units (ten million in major units).
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// The currencies prices may be in (the shop's, shared with the orders service).
pub use contracts::money::CURRENCIES;

/// A price, as the API shows and takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Minor units (cents): `1299` is 12.99.
    pub amount: i64,
    /// ISO 4217 code, one of EUR, USD, GBP, MXN, ARS, CLP, COP, PEN.
    pub currency: String,
}

impl Money {
    /// Checks the amount (0 to [`MAX_AMOUNT`]) and the currency; answers the problem per field
    /// (`amount`, `currency`).
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_or_huge_amounts_and_unknown_currencies_are_refused() {
        let money = |amount, currency: &str| Money {
            amount,
            currency: currency.to_owned(),
        };
        assert!(money(0, "EUR").validate().is_empty());
        assert!(money(MAX_AMOUNT, "USD").validate().is_empty());
        assert_eq!(money(-1, "EUR").validate()[0].0, "amount");
        assert_eq!(money(MAX_AMOUNT + 1, "EUR").validate()[0].0, "amount");
        assert_eq!(money(100, "eur").validate()[0].0, "currency");
        assert_eq!(money(100, "XXX").validate()[0].0, "currency");
    }
}

//! A payment card as the customer typed it. The number lives only as long as the checkout
//! request: what is kept is the brand and the last four digits.

use std::fmt;

use platform::FieldError;

/// A card that passed the checks any checkout form makes: digits, length, Luhn, a month, a
/// CVC. Whether it is expired, or good for the money, is the payment provider's answer.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    number: String,
    /// 1 to 12.
    pub exp_month: u32,
    /// Four digits.
    pub exp_year: i32,
    /// The holder's name as printed.
    pub holder: String,
}

// Never print the number.
impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("brand", &self.brand())
            .field("last4", &self.last4())
            .finish_non_exhaustive()
    }
}

/// True when `digits` pass the Luhn checksum.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (position, byte) in digits.bytes().rev().enumerate() {
        let mut digit = u32::from(byte - b'0');
        if position % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    sum % 10 == 0
}

impl Card {
    /// Checks what the customer typed; answers every bad field. Spaces and dashes in the number
    /// are ignored.
    pub fn parse(
        number: &str,
        exp_month: u32,
        exp_year: i32,
        cvc: &str,
        holder: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let digits: String = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || !(12..=19).contains(&digits.len()) {
            errors.push(FieldError::new(
                "payment.number",
                "invalid",
                "a card number is 12 to 19 digits",
            ));
        } else if !luhn_valid(&digits) {
            errors.push(FieldError::new(
                "payment.number",
                "invalid",
                "this is not a valid card number (check the digits)",
            ));
        }
        if !(1..=12).contains(&exp_month) {
            errors.push(FieldError::new(
                "payment.exp_month",
                "out_of_range",
                "a month, 1 to 12",
            ));
        }
        if !(2000..=2100).contains(&exp_year) {
            errors.push(FieldError::new(
                "payment.exp_year",
                "out_of_range",
                "a four-digit year",
            ));
        }
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(FieldError::new(
                "payment.cvc",
                "invalid",
                "the 3 or 4 digits on the card",
            ));
        }
        let holder = holder.trim();
        if holder.is_empty() || holder.chars().count() > 100 {
            errors.push(FieldError::new(
                "payment.holder",
                "length",
                "the name on the card, 1 to 100 characters",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            number: digits,
            exp_month,
            exp_year,
            holder: holder.to_owned(),
        })
    }

    /// The full number, for the payment provider only.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The last four digits, which may be kept and shown.
    pub fn last4(&self) -> &str {
        &self.number[self.number.len().saturating_sub(4)..]
    }

    /// The network, from the number's prefix.
    pub fn brand(&self) -> &'static str {
        let prefix = |n: usize| self.number[..n].parse::<u32>().unwrap_or(0);
        match (prefix(1), prefix(2), prefix(4)) {
            (4, _, _) => "visa",
            (_, 51..=55, _) | (_, _, 2221..=2720) => "mastercard",
            (_, 34 | 37, _) => "amex",
            (_, 65, _) | (_, _, 6011) => "discover",
            _ => "card",
        }
    }

    /// True when the card's last month has passed at `today`.
    pub fn is_expired(&self, today: time::Date) -> bool {
        (self.exp_year, self.exp_month) < (today.year(), u32::from(u8::from(today.month())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str) -> Result<Card, Vec<FieldError>> {
        Card::parse(number, 12, 2030, "123", "Ana Pérez")
    }

    #[test]
    fn luhn_accepts_real_test_numbers_and_refuses_a_changed_digit() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("5555555555554444"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4242424242424241"));
    }

    #[test]
    fn a_card_keeps_brand_and_last_four_and_never_prints_its_number() -> Result<(), String> {
        let visa = card("4242 4242 4242 4242").map_err(|e| format!("{e:?}"))?;
        assert_eq!((visa.brand(), visa.last4()), ("visa", "4242"));
        assert!(!format!("{visa:?}").contains("42424242"));
        let mastercard = card("5555-5555-5555-4444").map_err(|e| format!("{e:?}"))?;
        assert_eq!(mastercard.brand(), "mastercard");
        assert_eq!(
            card("378282246310005")
                .map_err(|e| format!("{e:?}"))?
                .brand(),
            "amex"
        );
        Ok(())
    }

    #[test]
    fn bad_numbers_months_cvcs_and_holders_are_named() {
        for bad in ["4242424242424241", "4242", "4242x42424242424", ""] {
            assert!(card(bad).is_err(), "{bad} passed");
        }
        let errors = Card::parse("4242424242424242", 13, 99, "12", " ").unwrap_or_else(|e| {
            assert_eq!(e.len(), 4);
            Card::parse("4242424242424242", 1, 2030, "123", "x").unwrap_or_else(|_| {
                panic!("a good card failed");
            })
        });
        assert_eq!(errors.exp_month, 1);
    }

    #[test]
    fn a_card_expires_after_its_last_month() -> Result<(), String> {
        let card =
            Card::parse("4242424242424242", 3, 2026, "123", "Ana").map_err(|e| format!("{e:?}"))?;
        let day =
            |y, m: time::Month| time::Date::from_calendar_date(y, m, 15).map_err(|e| e.to_string());
        assert!(!card.is_expired(day(2026, time::Month::March)?));
        assert!(card.is_expired(day(2026, time::Month::April)?));
        assert!(!card.is_expired(day(2025, time::Month::December)?));
        Ok(())
    }
}

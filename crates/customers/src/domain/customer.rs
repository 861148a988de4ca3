//! A customer record's fields and their rules.

use platform::FieldError;
use platform::text::clean_text;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;
use utoipa::ToSchema;

/// The longest name part kept.
pub const MAX_NAME_LENGTH: usize = 100;
/// The most addresses one customer may have.
pub const MAX_ADDRESSES: usize = 10;
/// The oldest plausible customer, in years.
const MAX_AGE_YEARS: i32 = 130;

/// Where a customer is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// What the customer calls it (`home`, `work`), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Street and number.
    pub line1: String,
    /// Floor, door, building.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City or town.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Region, province or state, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`ES`, `MX`).
    pub country: String,
}

fn optional_text(
    field: String,
    text: Option<&str>,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    clean_text(&field, text, 1, max)
        .map_err(|e| errors.push(e))
        .ok()
}

impl Address {
    /// Checks and trims every field; errors are named `addresses[i].field`.
    pub fn parse(self, index: usize, errors: &mut Vec<FieldError>) -> Option<Address> {
        let at = |field: &str| format!("addresses[{index}].{field}");
        let before = errors.len();
        let mut required = |field: &str, text: &str, max: usize| {
            clean_text(&at(field), text, 1, max)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let line1 = required("line1", &self.line1, 200);
        let city = required("city", &self.city, 100);
        let postal_code = required("postal_code", &self.postal_code, 20);
        let country = self.country.trim().to_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                at("country"),
                "invalid",
                "use an ISO 3166-1 alpha-2 code such as ES",
            ));
        }
        let label = optional_text(at("label"), self.label.as_deref(), 50, errors);
        let line2 = optional_text(at("line2"), self.line2.as_deref(), 200, errors);
        let region = optional_text(at("region"), self.region.as_deref(), 100, errors);
        if errors.len() > before {
            return None;
        }
        Some(Address {
            label,
            line1: line1?,
            line2,
            city: city?,
            postal_code: postal_code?,
            region,
            country,
        })
    }
}

/// Checks a list of addresses.
pub fn parse_addresses(addresses: Vec<Address>, errors: &mut Vec<FieldError>) -> Vec<Address> {
    if addresses.len() > MAX_ADDRESSES {
        errors.push(FieldError::new(
            "addresses",
            "too_long",
            format!("at most {MAX_ADDRESSES} addresses"),
        ));
        return Vec::new();
    }
    addresses
        .into_iter()
        .enumerate()
        .filter_map(|(index, address)| address.parse(index, errors))
        .collect()
}

/// A given or family name.
pub fn parse_name(field: &str, text: &str) -> Result<String, FieldError> {
    clean_text(field, text, 1, MAX_NAME_LENGTH)
}

/// A phone number in E.164 (`+34600111222`); spaces, dashes, dots and parentheses are dropped.
pub fn parse_phone(text: &str) -> Result<String, FieldError> {
    let phone: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = phone.strip_prefix('+').unwrap_or("");
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(phone)
    } else {
        Err(FieldError::new(
            "phone",
            "invalid",
            "use E.164: + then the country code and number, such as +34600111222",
        ))
    }
}

/// A birth date (`YYYY-MM-DD`): in the past, and at most 130 years ago.
pub fn parse_birth_date(text: &str, today: Date) -> Result<Date, FieldError> {
    let date = Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| FieldError::new("birth_date", "invalid", "use YYYY-MM-DD"))?;
    if date >= today {
        return Err(FieldError::new(
            "birth_date",
            "out_of_range",
            "a birth date is in the past",
        ));
    }
    let oldest = today
        .replace_year(today.year() - MAX_AGE_YEARS)
        .unwrap_or(Date::MIN);
    if date < oldest {
        return Err(FieldError::new(
            "birth_date",
            "out_of_range",
            "a birth date is at most 130 years ago",
        ));
    }
    Ok(date)
}

/// The stored and shown form of a date.
pub fn format_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Parses a date as stored.
pub fn parse_stored_date(text: &str) -> anyhow::Result<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|error| anyhow::anyhow!("bad stored date `{text}`: {error}"))
}

/// Where a record is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// In use.
    Active,
    /// Hidden; an administrator can restore it within 30 days, after which it is erased.
    Deleted,
    /// Personal data replaced; the id remains so orders and incidents stay consistent.
    Erased,
}

impl CustomerStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Deleted => "deleted",
            CustomerStatus::Erased => "erased",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        match text {
            "active" => Ok(CustomerStatus::Active),
            "deleted" => Ok(CustomerStatus::Deleted),
            "erased" => Ok(CustomerStatus::Erased),
            other => anyhow::bail!("bad stored customer status `{other}`"),
        }
    }
}

/// What search matches: names, email and phone, lowercased.
pub fn search_text(
    given_name: &str,
    family_name: &str,
    email: &str,
    phone: Option<&str>,
) -> String {
    format!("{given_name} {family_name} {email} {}", phone.unwrap_or("")).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn phones_must_be_e164() {
        assert_eq!(
            parse_phone("+34 600-111 222").ok().as_deref(),
            Some("+34600111222")
        );
        assert_eq!(
            parse_phone("+1 (415) 555-0100").ok().as_deref(),
            Some("+14155550100")
        );
        for bad in [
            "600111222",
            "+0034600111222",
            "+34",
            "+34abc111222",
            "+1234567890123456",
            "",
        ] {
            assert!(parse_phone(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn birth_dates_are_past_and_plausible() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(
            parse_birth_date("1990-02-28", today).ok(),
            Some(date!(1990 - 02 - 28))
        );
        assert!(parse_birth_date("2026-11-22", today).is_err());
        assert!(parse_birth_date("2030-01-01", today).is_err());
        assert!(parse_birth_date("1890-01-01", today).is_err());
        assert!(parse_birth_date("1990-02-30", today).is_err());
        assert!(parse_birth_date("28/02/1990", today).is_err());
    }

    #[test]
    fn addresses_are_checked_field_by_field() {
        let good = Address {
            label: Some(" home ".into()),
            line1: "Calle Mayor 1".into(),
            line2: Some("  ".into()),
            city: "Madrid".into(),
            postal_code: "28013".into(),
            region: None,
            country: "es".into(),
        };
        let mut errors = Vec::new();
        let parsed = parse_addresses(vec![good.clone()], &mut errors);
        assert!(errors.is_empty());
        assert_eq!(parsed[0].country, "ES");
        assert_eq!(parsed[0].label.as_deref(), Some("home"));
        assert_eq!(parsed[0].line2, None);
        let bad = Address {
            city: " ".into(),
            country: "Spain".into(),
            ..good.clone()
        };
        parse_addresses(vec![good.clone(), bad], &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["addresses[1].city", "addresses[1].country"]);
        let mut errors = Vec::new();
        parse_addresses(vec![good; 11], &mut errors);
        assert_eq!(errors[0].field, "addresses");
    }
}

//! Where an order goes.

use platform::FieldError;
use platform::text::clean_text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A shipping address as the customer gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingAddress {
    /// Who receives it, 1 to 100 characters.
    pub name: String,
    /// Street and number, 1 to 200 characters.
    pub line1: String,
    /// Floor, door, ... (optional, up to 200 characters).
    #[serde(default)]
    pub line2: Option<String>,
    /// City, 1 to 100 characters.
    pub city: String,
    /// Postal code, 1 to 20 characters.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code (`ES`).
    pub country: String,
}

impl ShippingAddress {
    /// The address with its text cleaned, or every bad field.
    pub fn parse(self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut field = |name: &str, value: &str, max: usize| match clean_text(
            &format!("shipping_address.{name}"),
            value,
            1,
            max,
        ) {
            Ok(clean) => clean,
            Err(error) => {
                errors.push(error);
                String::new()
            }
        };
        let name = field("name", &self.name, 100);
        let line1 = field("line1", &self.line1, 200);
        let line2 = self
            .line2
            .filter(|line| !line.trim().is_empty())
            .map(|line| field("line2", &line, 200));
        let city = field("city", &self.city, 100);
        let postal_code = field("postal_code", &self.postal_code, 20);
        let country = self.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                "shipping_address.country",
                "invalid",
                "a two-letter ISO 3166 country code",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name,
            line1,
            line2,
            city,
            postal_code,
            country,
        })
    }
}

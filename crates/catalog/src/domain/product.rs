//! What a product is: its kind, the attributes each kind has (checked here), tags and images.
//!
//! - `book`: author, ISBN (checked; kept as 13 digits), publisher, year.
//! - `pet`: species, breed, age in months, sex. A pet is one animal: its stock is 1 while it is
//!   `available`, 0 once `reserved` or `sold`.
//! - `item`: free attributes, up to 20 text pairs.

use std::collections::BTreeMap;

use platform::FieldError;
use platform::text::clean_text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::isbn::Isbn;

/// The most tags a product has.
pub const MAX_TAGS: usize = 20;
/// The most images a product has.
pub const MAX_IMAGES: usize = 10;
/// The most free attributes an item has.
pub const MAX_ITEM_ATTRIBUTES: usize = 20;
/// The most units of one product in stock.
pub const MAX_STOCK: i64 = 1_000_000;

/// The kinds of product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A book.
    Book,
    /// One animal.
    Pet,
    /// Any other goods.
    Item,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Book => "book",
            Kind::Pet => "pet",
            Kind::Item => "item",
        }
    }

    /// The kind a stored name names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "book" => Some(Kind::Book),
            "pet" => Some(Kind::Pet),
            "item" => Some(Kind::Item),
            _ => None,
        }
    }
}

/// Where a pet is in its sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PetStatus {
    /// For sale.
    Available,
    /// Held for an order.
    Reserved,
    /// Gone to its new home.
    Sold,
}

impl PetStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PetStatus::Available => "available",
            PetStatus::Reserved => "reserved",
            PetStatus::Sold => "sold",
        }
    }

    /// The status a stored name names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "available" => Some(PetStatus::Available),
            "reserved" => Some(PetStatus::Reserved),
            "sold" => Some(PetStatus::Sold),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BookInput {
    author: String,
    isbn: String,
    publisher: Option<String>,
    year: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PetInput {
    species: String,
    breed: Option<String>,
    age_months: i64,
    sex: String,
}

/// A product's checked attributes, stored and shown as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributes {
    /// The object.
    pub value: Value,
    /// A book's author (for the text index).
    pub author: Option<String>,
}

fn attribute_error(field: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("attributes.{field}"), code, message)
}

/// Checks `value` as the attributes of `kind`; `this_year` bounds a book's year.
pub fn parse_attributes(
    kind: Kind,
    value: &Value,
    this_year: i64,
) -> Result<Attributes, Vec<FieldError>> {
    let shape = |error: serde_json::Error| {
        vec![FieldError::new(
            "attributes",
            "invalid",
            format!("not the attributes of a {}: {error}", kind.as_str()),
        )]
    };
    let mut errors = Vec::new();
    let text = |errors: &mut Vec<FieldError>, field: &str, given: &str, min: usize, max: usize| {
        clean_text(&format!("attributes.{field}"), given, min, max)
            .map_err(|error| errors.push(error))
            .ok()
    };
    let attributes = match kind {
        Kind::Book => {
            let input: BookInput = serde_json::from_value(value.clone()).map_err(shape)?;
            let author = text(&mut errors, "author", &input.author, 1, 200);
            let publisher = input
                .publisher
                .as_deref()
                .and_then(|publisher| text(&mut errors, "publisher", publisher, 1, 200));
            let isbn = Isbn::parse(&input.isbn)
                .map_err(|error| errors.push(attribute_error("isbn", "invalid", error.to_string())))
                .ok();
            if let Some(year) = input.year
                && !(1450..=this_year + 1).contains(&year)
            {
                errors.push(attribute_error(
                    "year",
                    "out_of_range",
                    format!("a year from 1450 to {}", this_year + 1),
                ));
            }
            Attributes {
                value: serde_json::json!({
                    "author": author,
                    "isbn": isbn.as_ref().map(Isbn::as_str),
                    "publisher": publisher,
                    "year": input.year,
                }),
                author,
            }
        }
        Kind::Pet => {
            let input: PetInput = serde_json::from_value(value.clone()).map_err(shape)?;
            let species = text(&mut errors, "species", &input.species, 1, 60);
            let breed = input
                .breed
                .as_deref()
                .and_then(|breed| text(&mut errors, "breed", breed, 1, 60));
            if !(0..=600).contains(&input.age_months) {
                errors.push(attribute_error(
                    "age_months",
                    "out_of_range",
                    "0 to 600 months",
                ));
            }
            if !matches!(input.sex.as_str(), "male" | "female" | "unknown") {
                errors.push(attribute_error("sex", "invalid", "male, female or unknown"));
            }
            Attributes {
                value: serde_json::json!({
                    "species": species,
                    "breed": breed,
                    "age_months": input.age_months,
                    "sex": input.sex,
                }),
                author: None,
            }
        }
        Kind::Item => {
            let input: BTreeMap<String, String> =
                serde_json::from_value(value.clone()).map_err(shape)?;
            if input.len() > MAX_ITEM_ATTRIBUTES {
                errors.push(FieldError::new(
                    "attributes",
                    "too_many",
                    format!("at most {MAX_ITEM_ATTRIBUTES} attributes"),
                ));
            }
            let mut cleaned = serde_json::Map::new();
            for (key, given) in &input {
                let key = text(&mut errors, "key", key, 1, 40);
                let given = text(&mut errors, "value", given, 1, 200);
                if let (Some(key), Some(given)) = (key, given) {
                    cleaned.insert(key, Value::String(given));
                }
            }
            Attributes {
                value: Value::Object(cleaned),
                author: None,
            }
        }
    };
    if errors.is_empty() {
        Ok(attributes)
    } else {
        Err(errors)
    }
}

/// Tags: lowercased, trimmed, 1 to 40 letters, digits or `-`, at most [`MAX_TAGS`], no repeats
/// (kept in the order given).
pub fn parse_tags(given: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    if given.len() > MAX_TAGS {
        return Err(vec![FieldError::new(
            "tags",
            "too_many",
            format!("at most {MAX_TAGS} tags"),
        )]);
    }
    let mut tags: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for tag in given {
        let tag = tag.trim().to_lowercase();
        let valid = (1..=40).contains(&tag.chars().count())
            && tag.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !valid {
            errors.push(FieldError::new(
                "tags",
                "invalid",
                "a tag is 1 to 40 letters, digits or hyphens",
            ));
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if errors.is_empty() {
        Ok(tags)
    } else {
        Err(errors)
    }
}

/// Image URLs: `https` (or `http`) URLs up to 500 characters, at most [`MAX_IMAGES`].
pub fn parse_images(given: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    if given.len() > MAX_IMAGES {
        return Err(vec![FieldError::new(
            "images",
            "too_many",
            format!("at most {MAX_IMAGES} images"),
        )]);
    }
    let mut errors = Vec::new();
    let mut images = Vec::new();
    for image in given {
        match url::Url::parse(image.trim()) {
            Ok(url) if matches!(url.scheme(), "https" | "http") && image.len() <= 500 => {
                images.push(url.to_string());
            }
            _ => errors.push(FieldError::new(
                "images",
                "invalid",
                "an image is an http(s) URL of at most 500 characters",
            )),
        }
    }
    if errors.is_empty() {
        Ok(images)
    } else {
        Err(errors)
    }
}

/// Tags as stored for the tag filter and the text index: ` tag1 tag2 `.
pub fn tag_text(tags: &[String]) -> String {
    format!(" {} ", tags.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_book_needs_an_author_and_a_valid_isbn() {
        let ok = parse_attributes(
            Kind::Book,
            &json!({"author": " Ursula K. Le Guin ", "isbn": "0-306-40615-2", "year": 1969}),
            2026,
        );
        let ok = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.value["isbn"], "9780306406157");
        assert_eq!(ok.author.as_deref(), Some("Ursula K. Le Guin"));
        let bad = parse_attributes(
            Kind::Book,
            &json!({"author": "", "isbn": "123", "year": 3000}),
            2026,
        );
        let fields: Vec<String> = bad
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["attributes.author", "attributes.isbn", "attributes.year"]
        );
    }

    #[test]
    fn unknown_or_missing_attributes_are_refused() {
        assert!(
            parse_attributes(
                Kind::Book,
                &json!({"author": "A", "isbn": "9780306406157", "rating": 5}),
                2026
            )
            .is_err()
        );
        assert!(parse_attributes(Kind::Pet, &json!({"species": "dog"}), 2026).is_err());
        assert!(parse_attributes(Kind::Item, &json!({"colour": 3}), 2026).is_err());
    }

    #[test]
    fn a_pet_has_a_bounded_age_and_a_known_sex() {
        assert!(
            parse_attributes(
                Kind::Pet,
                &json!({"species": "cat", "breed": "Siamese", "age_months": 14, "sex": "female"}),
                2026
            )
            .is_ok()
        );
        assert!(
            parse_attributes(
                Kind::Pet,
                &json!({"species": "cat", "age_months": -1, "sex": "female"}),
                2026
            )
            .is_err()
        );
        assert!(
            parse_attributes(
                Kind::Pet,
                &json!({"species": "cat", "age_months": 3, "sex": "x"}),
                2026
            )
            .is_err()
        );
    }

    #[test]
    fn items_take_at_most_twenty_short_text_pairs() {
        let many: serde_json::Map<String, Value> =
            (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(parse_attributes(Kind::Item, &Value::Object(many), 2026).is_err());
        assert!(parse_attributes(Kind::Item, &json!({"colour": "red", "size": "M"}), 2026).is_ok());
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        assert_eq!(
            parse_tags(&[" Fantasy ".into(), "fantasy".into(), "sci-fi".into()]).ok(),
            Some(vec!["fantasy".to_owned(), "sci-fi".to_owned()])
        );
        assert!(parse_tags(&["two words".into()]).is_err());
        assert!(parse_tags(&vec!["a".to_owned(); 21]).is_err());
    }

    #[test]
    fn images_are_http_urls() {
        assert!(parse_images(&["https://img.example.com/a.jpg".into()]).is_ok());
        assert!(parse_images(&["javascript:alert(1)".into()]).is_err());
        assert!(parse_images(&["not a url".into()]).is_err());
    }
}

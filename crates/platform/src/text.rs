//! Small parsers for the text fields every service takes: trimmed, bounded, no control
//! characters; and a serde helper for fields that may be set to `null`.

use serde::{Deserialize, Deserializer};

use crate::error::FieldError;

/// Trims `text` and checks it has `min..=max` characters and no control characters.
pub fn clean_text(field: &str, text: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let text = text.trim();
    let length = text.chars().count();
    if length < min {
        let message = if min == 1 {
            "is required".to_owned()
        } else {
            format!("needs at least {min} characters")
        };
        return Err(FieldError::new(field, "too_short", message));
    }
    if length > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("has at most {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "invalid",
            "cannot hold control characters",
        ));
    }
    Ok(text.to_owned())
}

/// A free-text filter of a list (`?q=`, `?email=`): trimmed, at most `max` characters, no
/// control characters (PostgreSQL refuses NUL in text, so it must never reach a query). An
/// empty filter is no filter.
pub fn search_filter(
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, crate::ApiError> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    clean_text(field, text, 1, max)
        .map(Some)
        .map_err(|error| crate::ApiError::Validation(vec![error]))
}

/// For a field that may be absent (leave as is), `null` (clear it) or a value (set it):
/// `#[serde(default, deserialize_with = "platform::text::nullable")] phone: Option<Option<String>>`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(
            clean_text("f", "  Ñandú ", 1, 5).ok().as_deref(),
            Some("Ñandú")
        );
        assert_eq!(
            clean_text("f", "  ", 1, 5).map_err(|e| e.code),
            Err("too_short".to_owned())
        );
        assert_eq!(
            clean_text("f", "abcdef", 1, 5).map_err(|e| e.code),
            Err("too_long".to_owned())
        );
        assert_eq!(
            clean_text("f", "a\u{7}b", 1, 5).map_err(|e| e.code),
            Err("invalid".to_owned())
        );
    }

    #[test]
    fn search_filters_are_bounded_and_free_of_control_characters() {
        assert_eq!(
            search_filter("q", Some("  ana "), 10)
                .ok()
                .flatten()
                .as_deref(),
            Some("ana")
        );
        assert_eq!(search_filter("q", Some("   "), 10).ok(), Some(None));
        assert_eq!(search_filter("q", None, 10).ok(), Some(None));
        assert!(search_filter("q", Some("a\u{0}b"), 10).is_err());
        assert!(search_filter("q", Some("abcdefghijk"), 10).is_err());
    }

    #[derive(Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "nullable")]
        phone: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_are_three_different_things() -> serde_json::Result<()> {
        assert_eq!(serde_json::from_str::<Patch>("{}")?.phone, None);
        assert_eq!(
            serde_json::from_str::<Patch>(r#"{"phone":null}"#)?.phone,
            Some(None)
        );
        assert_eq!(
            serde_json::from_str::<Patch>(r#"{"phone":"+34600000000"}"#)?.phone,
            Some(Some("+34600000000".to_owned()))
        );
        Ok(())
    }
}

//! A user's display name.

/// A trimmed name of 1 to 100 characters without control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// Why a text is not a display name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidName(pub &'static str);

/// The longest name kept.
pub const MAX_NAME_LENGTH: usize = 100;

impl DisplayName {
    /// Trims `text` and checks it.
    pub fn parse(text: &str) -> Result<Self, InvalidName> {
        let name = text.trim();
        if name.is_empty() {
            return Err(InvalidName("a name is required"));
        }
        if name.chars().count() > MAX_NAME_LENGTH {
            return Err(InvalidName("a name has at most 100 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidName("a name cannot hold control characters"));
        }
        Ok(DisplayName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ana López ").map(|n| n.0),
            Ok("Ana López".to_owned())
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse(&"ñ".repeat(100)).is_ok());
        assert!(DisplayName::parse(&"ñ".repeat(101)).is_err());
    }
}

//! An email address as every service keeps it: trimmed, lowercased, plausibly deliverable.
//! Identity and customers match records by it, so they must normalise it the same way.

use std::fmt;

/// A normalised email address. Two spellings of one address (`  Ana@Example.COM `) are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidEmail(pub &'static str);

impl fmt::Display for InvalidEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for InvalidEmail {}

/// The longest address SMTP can carry.
const MAX_LENGTH: usize = 254;
const MAX_LOCAL_LENGTH: usize = 64;

impl Email {
    /// Normalises `text` (trim, lowercase) and checks its form.
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let email = normalise(text);
        if email.is_empty() {
            return Err(InvalidEmail("an email address is required"));
        }
        if email.len() > MAX_LENGTH {
            return Err(InvalidEmail("an email address has at most 254 characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(InvalidEmail("an email address has an @"));
        };
        if local.is_empty() || local.len() > MAX_LOCAL_LENGTH {
            return Err(InvalidEmail(
                "the part before @ must have 1 to 64 characters",
            ));
        }
        if local.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '@' | '<' | '>' | ',' | ';' | '"')
        }) {
            return Err(InvalidEmail(
                "the part before @ has a character addresses cannot hold",
            ));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |label: &&str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(InvalidEmail(
                "the part after @ must be a domain such as example.com",
            ));
        }
        Ok(Email(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Rebuilds an address read from storage, where it was stored normalised.
    pub fn from_trusted(stored: String) -> Self {
        Email(stored)
    }
}

/// Trim and lowercase: how an address is looked up, even one that would not parse.
pub fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ana.Lopez@Example.COM ").map(|e| e.0),
            Ok("ana.lopez@example.com".to_owned())
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "   ",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana lopez@example.com",
            "ana@exa mple.com",
            "ana@-example.com",
            "ana@example..com",
            "ana@example.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
        let long = format!("a@{}.com", "b".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn ordinary_addresses_are_accepted() {
        for good in [
            "a@b.co",
            "first.last+tag@mail.example.org",
            "josé@correo.es",
        ] {
            assert!(Email::parse(good).is_ok(), "{good:?} was refused");
        }
    }
}

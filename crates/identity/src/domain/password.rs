//! A new password: 8 to 128 characters, no composition rules, and not guessable.
//!
//! Guessability is judged by zxcvbn (an estimator of how many guesses an attacker needs, which
//! knows common passwords, dictionary words, keyboard walks, dates and the user's own email and
//! name). A password must score at least 3 of 4 ("safely unguessable"), as NIST SP 800-63B asks
//! of a blocklist check, without composition rules.

use secrecy::{ExposeSecret, SecretString};

/// Fewest characters (Unicode scalar values) in a password.
pub const MIN_LENGTH: usize = 8;
/// Most characters in a password; also bounds the cost of hashing one.
pub const MAX_LENGTH: usize = 128;
/// The least zxcvbn score accepted.
const MIN_SCORE: u8 = 3;

/// A password that passed the rules; the text stays secret.
pub struct NewPassword(SecretString);

/// Why a password is refused, with a stable code for clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Under 8 characters.
    #[error("a password has at least 8 characters")]
    TooShort,
    /// Over 128 characters.
    #[error("a password has at most 128 characters")]
    TooLong,
    /// Common, or easy to guess.
    #[error("this password is too easy to guess; a few unrelated words make a strong one")]
    Guessable,
}

impl WeakPassword {
    /// The machine-readable code of the field error.
    pub fn code(&self) -> &'static str {
        match self {
            WeakPassword::TooShort => "too_short",
            WeakPassword::TooLong => "too_long",
            WeakPassword::Guessable => "weak",
        }
    }
}

impl NewPassword {
    /// Checks `password`, knowing what else the user told us (email, name), which a password
    /// must not lean on.
    pub fn parse(password: &str, user_inputs: &[&str]) -> Result<Self, WeakPassword> {
        let length = password.chars().count();
        if length < MIN_LENGTH {
            return Err(WeakPassword::TooShort);
        }
        if length > MAX_LENGTH {
            return Err(WeakPassword::TooLong);
        }
        let words = personal_words(user_inputs);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let score = zxcvbn::zxcvbn(password, &words).score();
        if u8::from(score) < MIN_SCORE {
            return Err(WeakPassword::Guessable);
        }
        Ok(NewPassword(SecretString::from(password.to_owned())))
    }

    /// The password, for hashing.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// The user's inputs and their pieces (`maria.fernandez@example.com` also gives
/// `maria.fernandez`, `maria`, `fernandez`, `example`), so that a password made of them scores as
/// guessable: zxcvbn only matches whole dictionary words.
fn personal_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in user_inputs {
        let input = input.to_lowercase();
        if let Some((local, _)) = input.split_once('@') {
            words.push(local.to_owned());
        }
        words.extend(
            input
                .split(|c: char| !c.is_alphanumeric())
                .filter(|piece| piece.chars().count() >= 3)
                .map(str::to_owned),
        );
        words.push(input);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_bounded_in_characters() {
        assert_eq!(
            NewPassword::parse("abcdefg", &[]).err(),
            Some(WeakPassword::TooShort)
        );
        let long: String = "correct horse battery staple "
            .repeat(5)
            .chars()
            .take(129)
            .collect();
        assert_eq!(
            NewPassword::parse(&long, &[]).err(),
            Some(WeakPassword::TooLong)
        );
        let limit: String = long.chars().take(128).collect();
        assert!(NewPassword::parse(&limit, &[]).is_ok());
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password",
            "password123",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
        ] {
            assert_eq!(
                NewPassword::parse(weak, &[]).err(),
                Some(WeakPassword::Guessable),
                "{weak} was accepted"
            );
        }
        assert_eq!(
            NewPassword::parse("ana.lopez@example.com", &["ana.lopez@example.com"]).err(),
            Some(WeakPassword::Guessable)
        );
    }

    #[test]
    fn a_password_made_of_the_email_is_refused() {
        let email = ["maria.fernandez@example.com"];
        for weak in ["maria.fernandez", "maria.fernandez@example.com"] {
            assert_eq!(
                NewPassword::parse(weak, &email).err(),
                Some(WeakPassword::Guessable),
                "{weak} was accepted"
            );
        }
    }

    #[test]
    fn a_passphrase_is_accepted_without_composition_rules() {
        assert!(NewPassword::parse("violet tractor sundial harbor", &[]).is_ok());
    }
}

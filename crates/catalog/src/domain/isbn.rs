//! ISBNs: ISBN-10 or ISBN-13, with or without hyphens and spaces, check digit verified, kept as
//! the 13 digits.

use std::fmt;

/// A valid ISBN, as its 13 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isbn(String);

/// Why a text is not an ISBN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsbnError {
    /// Not 10 or 13 digits (an ISBN-10 may end in X).
    #[error("an ISBN has 10 or 13 digits")]
    Length,
    /// The digits are there but the check digit is wrong.
    #[error("the check digit does not match")]
    CheckDigit,
}

/// The check digit of an ISBN-13 (EAN-13) from its first twelve digits: weights 1 and 3 in turn.
pub fn isbn13_check_digit(first_twelve: &[u32]) -> u32 {
    let sum: u32 = first_twelve
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10
}

impl Isbn {
    /// Parses an ISBN-10 or ISBN-13.
    pub fn parse(text: &str) -> Result<Self, IsbnError> {
        let compact: Vec<char> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match compact.len() {
            13 if compact.iter().all(char::is_ascii_digit) => {
                let digits: Vec<u32> = compact.iter().filter_map(|c| c.to_digit(10)).collect();
                if isbn13_check_digit(&digits[..12]) == digits[12] {
                    Ok(Self(compact.into_iter().collect()))
                } else {
                    Err(IsbnError::CheckDigit)
                }
            }
            10 if compact[..9].iter().all(char::is_ascii_digit)
                && (compact[9].is_ascii_digit() || compact[9] == 'X') =>
            {
                let sum: u32 = compact
                    .iter()
                    .zip((1..=10).rev())
                    .map(|(c, weight)| c.to_digit(10).unwrap_or(10) * weight)
                    .sum();
                if !sum.is_multiple_of(11) {
                    return Err(IsbnError::CheckDigit);
                }
                // As ISBN-13: 978 + the first nine digits + a new check digit.
                let mut digits: Vec<u32> = vec![9, 7, 8];
                digits.extend(compact[..9].iter().filter_map(|c| c.to_digit(10)));
                digits.push(isbn13_check_digit(&digits));
                Ok(Self(digits.iter().map(u32::to_string).collect()))
            }
            _ => Err(IsbnError::Length),
        }
    }

    /// The 13 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Isbn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_13_with_hyphens_is_accepted_and_compacted() {
        assert_eq!(
            Isbn::parse("978-0-306-40615-7").map(|i| i.to_string()),
            Ok("9780306406157".to_owned())
        );
    }

    #[test]
    fn isbn_10_becomes_isbn_13() {
        assert_eq!(
            Isbn::parse("0-306-40615-2").map(|i| i.to_string()),
            Ok("9780306406157".to_owned())
        );
        assert_eq!(
            Isbn::parse("080442957X").map(|i| i.to_string()),
            Ok("9780804429573".to_owned())
        );
    }

    #[test]
    fn a_wrong_check_digit_or_length_is_refused() {
        assert_eq!(Isbn::parse("978-0-306-40615-8"), Err(IsbnError::CheckDigit));
        assert_eq!(Isbn::parse("0-306-40615-3"), Err(IsbnError::CheckDigit));
        assert_eq!(Isbn::parse("12345"), Err(IsbnError::Length));
        assert_eq!(Isbn::parse("97803064061X7"), Err(IsbnError::Length));
        assert_eq!(Isbn::parse(""), Err(IsbnError::Length));
    }
}

//! Time as stored and as sent. Stored as fixed-width RFC 3339 UTC text with microseconds
//! (`2026-11-22T05:38:31.123456Z`), which sorts and compares correctly as text on both
//! backends; sent as RFC 3339.

use anyhow::Context;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

const STORED: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The current time in UTC, to the microsecond (what storage keeps).
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

/// The stored form of a time.
pub fn to_db(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(STORED)
        .unwrap_or_else(|_| String::from("0000-01-01T00:00:00.000000Z"))
}

/// Parses the stored form of a time.
pub fn from_db(text: &str) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).with_context(|| format!("bad stored time `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_round_trip_and_sort_as_text() -> anyhow::Result<()> {
        let early = now();
        let late = early + time::Duration::milliseconds(1);
        assert_eq!(from_db(&to_db(early))?, early);
        assert!(to_db(early) < to_db(late));
        assert_eq!(to_db(early).len(), "2026-11-22T05:38:31.123456Z".len());
        Ok(())
    }
}

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

/// Where "now" comes from: the system in production, a hand-set clock in tests of timers
/// (SLA, auto-close windows).
pub trait Clock: Send + Sync + 'static {
    /// The current time in UTC, to the microsecond.
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        self.0
            .lock()
            .map_or_else(|poisoned| *poisoned.into_inner(), |now| *now)
    }
}

//! Business time: a time zone, opening hours per weekday, and holidays. SLA targets count only
//! the seconds inside these hours.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// How far ahead `add_business_seconds` looks before giving up (a calendar with no hours).
const MAX_DAYS_AHEAD: i32 = 3_660;

/// When the support desk works.
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: TimeZone,
    /// Opening and closing time for Monday (0) to Sunday (6); `None` is closed.
    hours: [Option<(Time, Time)>; 7],
    holidays: BTreeSet<Date>,
}

/// Why a calendar description is refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidCalendar(String);

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day_index(name: &str) -> Result<usize, InvalidCalendar> {
    DAYS.iter()
        .position(|day| *day == name.trim().to_lowercase())
        .ok_or_else(|| InvalidCalendar(format!("unknown day `{name}` (use mon..sun)")))
}

fn parse_time(text: &str) -> Result<Time, InvalidCalendar> {
    let (hour, minute) = text
        .trim()
        .split_once(':')
        .ok_or_else(|| InvalidCalendar(format!("`{text}` is not HH:MM")))?;
    let hour: i8 = hour
        .parse()
        .map_err(|_| InvalidCalendar(format!("`{text}` is not HH:MM")))?;
    let minute: i8 = minute
        .parse()
        .map_err(|_| InvalidCalendar(format!("`{text}` is not HH:MM")))?;
    if hour == 24 && minute == 0 {
        return Ok(Time::MAX);
    }
    Time::new(hour, minute, 0, 0)
        .map_err(|_| InvalidCalendar(format!("`{text}` is not a time of day")))
}

impl Calendar {
    /// Open all the time, in UTC.
    pub fn always_open() -> Self {
        Self {
            time_zone: TimeZone::UTC,
            hours: [Some((Time::MIN, Time::MAX)); 7],
            holidays: BTreeSet::new(),
        }
    }

    /// Parses a description: an IANA time zone (`Europe/Madrid`), weekly hours such as
    /// `mon-fri 09:00-18:00; sat 10:00-14:00`, and holidays as `YYYY-MM-DD` dates.
    pub fn parse(time_zone: &str, hours: &str, holidays: &[&str]) -> Result<Self, InvalidCalendar> {
        let time_zone = TimeZone::get(time_zone.trim())
            .map_err(|_| InvalidCalendar(format!("unknown time zone `{time_zone}`")))?;
        let mut week = [None; 7];
        for rule in hours
            .split(';')
            .map(str::trim)
            .filter(|rule| !rule.is_empty())
        {
            let (days, span) = rule
                .split_once(' ')
                .ok_or_else(|| InvalidCalendar(format!("`{rule}` is not `DAYS HH:MM-HH:MM`")))?;
            let (open, close) = span
                .split_once('-')
                .ok_or_else(|| InvalidCalendar(format!("`{span}` is not HH:MM-HH:MM")))?;
            let (open, close) = (parse_time(open)?, parse_time(close)?);
            if open >= close {
                return Err(InvalidCalendar(format!("`{span}` closes before it opens")));
            }
            let (first, last) = match days.split_once('-') {
                Some((first, last)) => (day_index(first)?, day_index(last)?),
                None => (day_index(days)?, day_index(days)?),
            };
            if first > last {
                return Err(InvalidCalendar(format!("`{days}` runs backwards")));
            }
            for day in &mut week[first..=last] {
                *day = Some((open, close));
            }
        }
        let holidays = holidays
            .iter()
            .map(|text| {
                text.trim()
                    .parse::<Date>()
                    .map_err(|_| InvalidCalendar(format!("holiday `{text}` is not YYYY-MM-DD")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            time_zone,
            hours: week,
            holidays,
        })
    }

    /// The working interval of one local date, if the desk works that day.
    fn window(&self, date: Date) -> Option<(Timestamp, Timestamp)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).ok()?;
        let (open, close) = self.hours[weekday]?;
        let open = date
            .to_datetime(open)
            .to_zoned(self.time_zone.clone())
            .ok()?
            .timestamp();
        let close = if close == Time::MAX {
            date.tomorrow()
                .ok()?
                .to_datetime(Time::MIN)
                .to_zoned(self.time_zone.clone())
                .ok()?
                .timestamp()
        } else {
            date.to_datetime(close)
                .to_zoned(self.time_zone.clone())
                .ok()?
                .timestamp()
        };
        Some((open, close))
    }

    fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned(self.time_zone.clone()).date()
    }

    /// Business seconds in `[from, to)`.
    pub fn business_seconds(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            if let Some((open, close)) = self.window(date) {
                let start = open.max(from);
                let end = close.min(to);
                if end > start {
                    total += end.as_second() - start.as_second();
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        total
    }

    /// The instant `seconds` business seconds after `from`; `None` if the calendar never opens.
    pub fn add_business_seconds(&self, from: Timestamp, seconds: i64) -> Option<Timestamp> {
        let mut remaining = seconds.max(0);
        let mut date = self.local_date(from);
        for _ in 0..MAX_DAYS_AHEAD {
            if let Some((open, close)) = self.window(date) {
                let start = open.max(from);
                if close > start {
                    let available = close.as_second() - start.as_second();
                    if remaining <= available {
                        return start.checked_add(remaining.seconds()).ok();
                    }
                    remaining -= available;
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn madrid() -> Calendar {
        match Calendar::parse("Europe/Madrid", "mon-fri 09:00-18:00", &["2026-12-25"]) {
            Ok(calendar) => calendar,
            Err(error) => panic!("{error}"),
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn only_working_hours_count_in_the_desks_time_zone() {
        let calendar = madrid();
        // Friday 2026-11-20, 17:00 Madrid (16:00 UTC) to Monday 10:00 Madrid: 1 h + 1 h.
        let seconds =
            calendar.business_seconds(at("2026-11-20T16:00:00Z"), at("2026-11-23T09:00:00Z"));
        assert_eq!(seconds, 2 * 3600);
    }

    #[test]
    fn a_target_crosses_the_weekend() {
        let calendar = madrid();
        // 4 business hours from Friday 16:00 Madrid: 2 h on Friday, 2 h on Monday → Monday 11:00.
        let due = calendar.add_business_seconds(at("2026-11-20T15:00:00Z"), 4 * 3600);
        assert_eq!(due, Some(at("2026-11-23T10:00:00Z")));
    }

    #[test]
    fn a_holiday_is_skipped() {
        let calendar = madrid();
        // Thursday 2026-12-24 17:00 Madrid + 2 h: 1 h on Thursday, Friday 25th is a holiday,
        // the weekend is closed, 1 h on Monday the 28th → 10:00 Madrid.
        let due = calendar.add_business_seconds(at("2026-12-24T16:00:00Z"), 2 * 3600);
        assert_eq!(due, Some(at("2026-12-28T09:00:00Z")));
        assert_eq!(
            calendar.business_seconds(at("2026-12-25T00:00:00Z"), at("2026-12-26T00:00:00Z")),
            0
        );
    }

    #[test]
    fn daylight_saving_changes_are_followed() {
        let calendar = madrid();
        // 2026-03-27 (Friday) is CET (UTC+1); 2026-03-30 (Monday) is CEST (UTC+2).
        let due = calendar.add_business_seconds(at("2026-03-27T16:00:00Z"), 2 * 3600);
        assert_eq!(due, Some(at("2026-03-30T08:00:00Z")));
    }

    #[test]
    fn bad_descriptions_are_refused() {
        assert!(Calendar::parse("Mars/Olympus", "mon-fri 09:00-18:00", &[]).is_err());
        assert!(Calendar::parse("UTC", "mon-fri 18:00-09:00", &[]).is_err());
        assert!(Calendar::parse("UTC", "fri-mon 09:00-18:00", &[]).is_err());
        assert!(Calendar::parse("UTC", "someday 09:00-18:00", &[]).is_err());
        assert!(Calendar::parse("UTC", "mon 9am-5pm", &[]).is_err());
        assert!(Calendar::parse("UTC", "mon-fri 09:00-18:00", &["25/12/2026"]).is_err());
        assert!(Calendar::parse("UTC", "mon-sun 00:00-24:00", &[]).is_ok());
    }

    #[test]
    fn a_calendar_that_never_opens_has_no_due_time() {
        let closed = Calendar::parse("UTC", "", &[]).ok();
        assert_eq!(
            closed.and_then(|c| c.add_business_seconds(at("2026-01-01T00:00:00Z"), 60)),
            None
        );
    }
}

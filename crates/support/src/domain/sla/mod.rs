//! The SLA clocks of an incident, derived from its history: a first-response clock (until the
//! first public reply from staff) and a resolution clock (until it is resolved). Both count
//! business time while the incident is `new` or `open`, and pause while it is `pending` or
//! `on_hold`. Nothing is stored but the history, so changing a policy or the calendar recomputes
//! every clock correctly.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::Calendar;
use super::incident::Priority;
use super::status::Status;

/// Targets for one priority, in business seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Targets {
    /// Until the first public reply from staff.
    pub first_response_secs: i64,
    /// Until the incident is resolved.
    pub resolution_secs: i64,
}

/// Targets per priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    /// For `low`.
    pub low: Targets,
    /// For `normal`.
    pub normal: Targets,
    /// For `high`.
    pub high: Targets,
    /// For `urgent`.
    pub urgent: Targets,
}

const HOUR: i64 = 3600;

impl Default for Policies {
    fn default() -> Self {
        Self {
            low: Targets {
                first_response_secs: 24 * HOUR,
                resolution_secs: 72 * HOUR,
            },
            normal: Targets {
                first_response_secs: 8 * HOUR,
                resolution_secs: 40 * HOUR,
            },
            high: Targets {
                first_response_secs: 4 * HOUR,
                resolution_secs: 16 * HOUR,
            },
            urgent: Targets {
                first_response_secs: HOUR,
                resolution_secs: 4 * HOUR,
            },
        }
    }
}

/// Why a policy description is refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidPolicies(String);

fn parse_hours(text: &str) -> Result<i64, InvalidPolicies> {
    let hours = text
        .trim()
        .strip_suffix('h')
        .and_then(|number| number.parse::<i64>().ok())
        .filter(|hours| (1..=8760).contains(hours))
        .ok_or_else(|| InvalidPolicies(format!("`{text}` is not a number of hours such as 8h")))?;
    Ok(hours * HOUR)
}

impl Policies {
    /// Parses `urgent 1h 4h; high 4h 16h; normal 8h 40h; low 24h 72h` (priority, first-response
    /// target, resolution target, in business hours). Priorities not named keep their defaults.
    pub fn parse(text: &str) -> Result<Self, InvalidPolicies> {
        let mut policies = Policies::default();
        for rule in text
            .split(';')
            .map(str::trim)
            .filter(|rule| !rule.is_empty())
        {
            let parts: Vec<&str> = rule.split_whitespace().collect();
            let [priority, first, resolution] = parts.as_slice() else {
                return Err(InvalidPolicies(format!(
                    "`{rule}` is not `PRIORITY FIRSTh RESOLUTIONh`"
                )));
            };
            let targets = Targets {
                first_response_secs: parse_hours(first)?,
                resolution_secs: parse_hours(resolution)?,
            };
            if targets.first_response_secs > targets.resolution_secs {
                return Err(InvalidPolicies(format!(
                    "`{rule}`: the first response cannot be due after the resolution"
                )));
            }
            let slot = match *priority {
                "low" => &mut policies.low,
                "normal" => &mut policies.normal,
                "high" => &mut policies.high,
                "urgent" => &mut policies.urgent,
                other => return Err(InvalidPolicies(format!("unknown priority `{other}`"))),
            };
            *slot = targets;
        }
        Ok(policies)
    }

    /// The targets for a priority.
    pub fn for_priority(&self, priority: Priority) -> Targets {
        match priority {
            Priority::Low => self.low,
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }
}

/// What the clocks are computed from.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Every status the incident has had, with when it started, oldest first (the first is
    /// `new` at creation).
    pub statuses: Vec<(Timestamp, Status)>,
    /// The first public reply from staff.
    pub first_response_at: Option<Timestamp>,
}

impl Timeline {
    /// When the incident last became resolved, if it is resolved or closed now.
    fn resolved_at(&self) -> Option<Timestamp> {
        let (_, current) = self.statuses.last()?;
        if !matches!(current, Status::Resolved | Status::Closed) {
            return None;
        }
        self.statuses
            .iter()
            .rev()
            .find(|(_, status)| *status == Status::Resolved)
            .map(|(at, _)| *at)
    }

    /// The intervals in which the clock ran, up to `until`; the last is open when the incident
    /// is running at `until`.
    fn running_periods(&self, until: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let mut periods = Vec::new();
        for (index, (start, status)) in self.statuses.iter().enumerate() {
            if *start >= until {
                break;
            }
            let end = self
                .statuses
                .get(index + 1)
                .map_or(until, |(next, _)| (*next).min(until));
            if matches!(status, Status::New | Status::Open) && end > *start {
                periods.push((*start, end));
            }
        }
        periods
    }
}

/// One SLA clock, as shown on an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlaClock {
    /// The target, in business seconds.
    pub target_secs: i64,
    /// Business seconds counted so far (or until the clock stopped).
    pub elapsed_secs: i64,
    /// Business seconds left; negative when breached.
    pub remaining_secs: i64,
    /// When the target falls (or fell) due; `null` while paused with time left, or when it was
    /// achieved before falling due.
    #[schema(value_type = Option<String>)]
    pub due_at: Option<String>,
    /// When the clock stopped (first reply, or resolution), if it has.
    #[schema(value_type = Option<String>)]
    pub achieved_at: Option<String>,
    /// Whether it was met: `null` while still running.
    pub met: Option<bool>,
    /// Whether the target has passed unmet.
    pub breached: bool,
    /// Whether the clock is paused now (waiting on the customer or a third party).
    pub paused: bool,
}

fn measure(
    calendar: &Calendar,
    timeline: &Timeline,
    target: i64,
    stop: Option<Timestamp>,
    now: Timestamp,
) -> SlaClock {
    let until = stop.map_or(now, |stop| stop.min(now));
    let periods = timeline.running_periods(until);
    let mut elapsed = 0;
    let mut due_at = None;
    for (start, end) in &periods {
        let here = calendar.business_seconds(*start, *end);
        if due_at.is_none() && elapsed + here >= target {
            due_at = calendar.add_business_seconds(*start, target - elapsed);
        }
        elapsed += here;
    }
    let running_now = stop.is_none()
        && periods.last().is_some_and(|(_, end)| *end == now)
        && timeline
            .statuses
            .last()
            .is_some_and(|(_, status)| matches!(status, Status::New | Status::Open));
    if due_at.is_none() && running_now {
        due_at = calendar.add_business_seconds(now, target - elapsed);
    }
    let paused = stop.is_none()
        && timeline
            .statuses
            .last()
            .is_some_and(|(_, status)| status.pauses_the_clock());
    let met = stop.map(|_| elapsed <= target);
    SlaClock {
        target_secs: target,
        elapsed_secs: elapsed,
        remaining_secs: target - elapsed,
        due_at: due_at.map(|at| at.to_string()),
        achieved_at: stop.map(|at| at.to_string()),
        met,
        breached: elapsed > target || (met.is_none() && due_at.is_some_and(|due| due <= now)),
        paused,
    }
}

/// Both clocks of an incident, now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Sla {
    /// Until the first public reply from staff.
    pub first_response: SlaClock,
    /// Until resolution.
    pub resolution: SlaClock,
}

/// The clocks of an incident with `timeline`, under `targets`, at `now`. A merged incident's
/// clocks stop when it was merged.
pub fn clocks(calendar: &Calendar, targets: Targets, timeline: &Timeline, now: Timestamp) -> Sla {
    let merged_at = timeline
        .statuses
        .last()
        .filter(|(_, status)| *status == Status::Merged)
        .map(|(at, _)| *at);
    Sla {
        first_response: measure(
            calendar,
            timeline,
            targets.first_response_secs,
            timeline.first_response_at.or(merged_at),
            now,
        ),
        resolution: measure(
            calendar,
            timeline,
            targets.resolution_secs,
            timeline.resolved_at().or(merged_at),
            now,
        ),
    }
}

#[cfg(test)]
mod tests;

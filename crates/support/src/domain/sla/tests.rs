//! The SLA clocks against hand-worked timelines.
use super::*;

fn at(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn madrid() -> Calendar {
    Calendar::parse("Europe/Madrid", "mon-fri 09:00-18:00", &["2026-12-25"])
        .unwrap_or_else(|error| panic!("{error}"))
}

const TARGETS: Targets = Targets {
    first_response_secs: 4 * HOUR,
    resolution_secs: 8 * HOUR,
};

#[test]
fn a_clock_running_over_the_weekend_falls_due_on_monday() {
    // Opened Friday 16:00 Madrid; 4 business hours → Monday 11:00 Madrid (10:00 UTC).
    let timeline = Timeline {
        statuses: vec![(at("2026-11-20T15:00:00Z"), Status::New)],
        first_response_at: None,
    };
    let sla = clocks(&madrid(), TARGETS, &timeline, at("2026-11-21T12:00:00Z"));
    assert_eq!(
        sla.first_response.due_at.as_deref(),
        Some("2026-11-23T10:00:00Z")
    );
    assert_eq!(sla.first_response.elapsed_secs, 2 * HOUR);
    assert!(!sla.first_response.breached && !sla.first_response.paused);
    assert_eq!(sla.first_response.met, None);
}

#[test]
fn a_holiday_does_not_count() {
    // Opened Thursday 24 December 17:00 Madrid; Friday 25 is a holiday.
    let timeline = Timeline {
        statuses: vec![(at("2026-12-24T16:00:00Z"), Status::New)],
        first_response_at: None,
    };
    let sla = clocks(&madrid(), TARGETS, &timeline, at("2026-12-26T10:00:00Z"));
    assert_eq!(sla.first_response.elapsed_secs, HOUR);
    assert_eq!(
        sla.first_response.due_at.as_deref(),
        Some("2026-12-28T11:00:00Z")
    );
}

#[test]
fn waiting_on_the_customer_pauses_the_clock() {
    // Monday 23 Nov: opened 09:00, pending 10:00 to 14:00, open again, now 15:00 Madrid.
    let timeline = Timeline {
        statuses: vec![
            (at("2026-11-23T08:00:00Z"), Status::New),
            (at("2026-11-23T09:00:00Z"), Status::Pending),
            (at("2026-11-23T13:00:00Z"), Status::Open),
        ],
        first_response_at: Some(at("2026-11-23T09:00:00Z")),
    };
    let sla = clocks(&madrid(), TARGETS, &timeline, at("2026-11-23T14:00:00Z"));
    assert_eq!(sla.resolution.elapsed_secs, 2 * HOUR);
    assert_eq!(sla.resolution.remaining_secs, 6 * HOUR);
    // 6 business hours from 15:00 Madrid Monday: 3 h Monday, 3 h Tuesday → 12:00 Madrid.
    assert_eq!(
        sla.resolution.due_at.as_deref(),
        Some("2026-11-24T11:00:00Z")
    );
    assert_eq!(sla.first_response.met, Some(true));
    assert_eq!(sla.first_response.elapsed_secs, HOUR);
    // While pending, the clock is paused and has no due time.
    let paused = Timeline {
        statuses: timeline.statuses[..2].to_vec(),
        first_response_at: timeline.first_response_at,
    };
    let sla = clocks(&madrid(), TARGETS, &paused, at("2026-11-25T14:00:00Z"));
    assert!(sla.resolution.paused);
    assert_eq!(sla.resolution.elapsed_secs, HOUR);
    assert_eq!(sla.resolution.due_at, None);
    assert!(!sla.resolution.breached);
}

#[test]
fn a_policy_change_recomputes_the_same_history() {
    let timeline = Timeline {
        statuses: vec![(at("2026-11-23T08:00:00Z"), Status::New)],
        first_response_at: None,
    };
    let now = at("2026-11-23T11:00:00Z");
    let relaxed = clocks(&madrid(), TARGETS, &timeline, now);
    assert!(!relaxed.first_response.breached);
    let strict = clocks(
        &madrid(),
        Targets {
            first_response_secs: 2 * HOUR,
            resolution_secs: 8 * HOUR,
        },
        &timeline,
        now,
    );
    assert!(strict.first_response.breached);
    assert_eq!(
        strict.first_response.due_at.as_deref(),
        Some("2026-11-23T10:00:00Z")
    );
    assert_eq!(strict.first_response.remaining_secs, -HOUR);
}

#[test]
fn a_resolution_stops_the_clock_and_a_reopening_resumes_it() {
    let resolved = Timeline {
        statuses: vec![
            (at("2026-11-23T08:00:00Z"), Status::New),
            (at("2026-11-23T09:00:00Z"), Status::Open),
            (at("2026-11-23T11:00:00Z"), Status::Resolved),
        ],
        first_response_at: Some(at("2026-11-23T09:00:00Z")),
    };
    let sla = clocks(&madrid(), TARGETS, &resolved, at("2026-11-30T11:00:00Z"));
    assert_eq!(sla.resolution.met, Some(true));
    assert_eq!(sla.resolution.elapsed_secs, 3 * HOUR);
    assert_eq!(
        sla.resolution.achieved_at.as_deref(),
        Some("2026-11-23T11:00:00Z")
    );
    let mut reopened = resolved.clone();
    reopened
        .statuses
        .push((at("2026-11-24T08:00:00Z"), Status::Open));
    let sla = clocks(&madrid(), TARGETS, &reopened, at("2026-11-24T10:00:00Z"));
    assert_eq!(sla.resolution.met, None);
    assert_eq!(sla.resolution.elapsed_secs, 5 * HOUR);
}

#[test]
fn policies_are_parsed_and_checked() {
    let policies =
        Policies::parse("urgent 2h 6h; low 48h 120h").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        policies.urgent,
        Targets {
            first_response_secs: 2 * HOUR,
            resolution_secs: 6 * HOUR
        }
    );
    assert_eq!(policies.low.resolution_secs, 120 * HOUR);
    assert_eq!(policies.normal, Policies::default().normal);
    for bad in [
        "urgent 2h",
        "urgent two 4h",
        "urgent 0h 4h",
        "urgent 8h 4h",
        "critical 1h 2h",
        "urgent 2 6",
    ] {
        assert!(Policies::parse(bad).is_err(), "{bad} was accepted");
    }
    assert_eq!(Policies::parse("").ok(), Some(Policies::default()));
}

#[test]
fn a_late_resolution_is_recorded_as_not_met() {
    let timeline = Timeline {
        statuses: vec![
            (at("2026-11-23T08:00:00Z"), Status::New),
            (at("2026-11-24T16:00:00Z"), Status::Resolved),
        ],
        first_response_at: None,
    };
    let sla = clocks(&madrid(), TARGETS, &timeline, at("2026-11-25T08:00:00Z"));
    assert_eq!(sla.resolution.met, Some(false));
    assert!(sla.resolution.breached);
    assert_eq!(
        sla.resolution.due_at.as_deref(),
        Some("2026-11-23T16:00:00Z")
    );
    assert!(sla.first_response.breached, "never answered, and past due");
}

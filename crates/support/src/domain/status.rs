//! The states of an incident and the one table of moves between them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an incident is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Opened, nobody from staff has answered yet.
    New,
    /// Staff are working on it.
    Open,
    /// Waiting on the customer (the SLA clock pauses).
    Pending,
    /// Waiting on a third party (the SLA clock pauses).
    OnHold,
    /// Solved; the customer can still reply to reopen it for a while.
    Resolved,
    /// Final and read-only.
    Closed,
    /// Folded into another incident, which carries the conversation on.
    Merged,
}

/// Who asks for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The customer whose incident it is.
    Customer,
    /// An agent or administrator.
    Staff,
    /// Tienda itself (replies, timers).
    System,
}

impl Status {
    /// Every state.
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
        Status::Merged,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Merged => "merged",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| anyhow::anyhow!("bad stored status `{text}`"))
    }

    /// The SLA clocks stop while the incident waits on someone else.
    pub fn pauses_the_clock(self) -> bool {
        matches!(self, Status::Pending | Status::OnHold)
    }

    /// The incident still needs work: its SLA clocks can run.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Status::New | Status::Open | Status::Pending | Status::OnHold
        )
    }

    /// Nothing may change any more.
    pub fn is_read_only(self) -> bool {
        matches!(self, Status::Closed | Status::Merged)
    }
}

use Mover::{Customer, Staff, System};
use Status::{Closed, New, OnHold, Open, Pending, Resolved};

/// Every allowed move, and who may make it. Anything not here is refused (409). Merging is its
/// own operation (`POST /incidents/{id}/merge`), so `Merged` is reached by no row here.
pub const TRANSITIONS: &[(Status, Status, &[Mover])] = &[
    (New, Open, &[Staff, System]),
    (New, Pending, &[Staff]),
    (New, OnHold, &[Staff]),
    (New, Resolved, &[Staff, Customer]),
    (Open, Pending, &[Staff]),
    (Open, OnHold, &[Staff]),
    (Open, Resolved, &[Staff, Customer]),
    (Pending, Open, &[Staff, System]),
    (Pending, OnHold, &[Staff]),
    (Pending, Resolved, &[Staff, Customer]),
    (OnHold, Open, &[Staff]),
    (OnHold, Pending, &[Staff]),
    (OnHold, Resolved, &[Staff, Customer]),
    (Resolved, Open, &[Staff, System]),
    (Resolved, Closed, &[Staff, System]),
];

/// Whether `mover` may move an incident from `from` to `to`.
pub fn may_move(from: Status, to: Status, mover: Mover) -> bool {
    TRANSITIONS
        .iter()
        .any(|(f, t, movers)| *f == from && *t == to && movers.contains(&mover))
}

/// The statuses `mover` may move an incident to from `from`, in the table's order.
pub fn moves_from(from: Status, mover: Mover) -> Vec<Status> {
    TRANSITIONS
        .iter()
        .filter(|(f, _, movers)| *f == from && movers.contains(&mover))
        .map(|(_, to, _)| *to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as the product owner reads it: every allowed move, spelled out.
    const EXPECTED: &[(&str, &str, &str)] = &[
        ("new", "open", "staff system"),
        ("new", "pending", "staff"),
        ("new", "on_hold", "staff"),
        ("new", "resolved", "staff customer"),
        ("open", "pending", "staff"),
        ("open", "on_hold", "staff"),
        ("open", "resolved", "staff customer"),
        ("pending", "open", "staff system"),
        ("pending", "on_hold", "staff"),
        ("pending", "resolved", "staff customer"),
        ("on_hold", "open", "staff"),
        ("on_hold", "pending", "staff"),
        ("on_hold", "resolved", "staff customer"),
        ("resolved", "open", "staff system"),
        ("resolved", "closed", "staff system"),
    ];

    fn mover_name(mover: Mover) -> &'static str {
        match mover {
            Mover::Customer => "customer",
            Mover::Staff => "staff",
            Mover::System => "system",
        }
    }

    #[test]
    fn every_move_for_every_mover_is_allowed_exactly_when_the_table_says() {
        for from in Status::ALL {
            for to in Status::ALL {
                for mover in [Mover::Customer, Mover::Staff, Mover::System] {
                    let expected = EXPECTED.iter().any(|(f, t, who)| {
                        *f == from.as_str()
                            && *t == to.as_str()
                            && who.split(' ').any(|w| w == mover_name(mover))
                    });
                    assert_eq!(
                        may_move(from, to, mover),
                        expected,
                        "{} -> {} by {}",
                        from.as_str(),
                        to.as_str(),
                        mover_name(mover)
                    );
                }
            }
        }
    }

    #[test]
    fn closed_and_merged_are_final() {
        for to in Status::ALL {
            for mover in [Mover::Customer, Mover::Staff, Mover::System] {
                assert!(!may_move(Status::Closed, to, mover));
                assert!(!may_move(Status::Merged, to, mover));
            }
        }
    }
}

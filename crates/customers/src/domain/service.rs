//! A contracted service (a TV package, a fibre line, a support plan) and its status rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a contracted service is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    /// Running.
    Active,
    /// Paused (unpaid, on request); can become active again.
    Suspended,
    /// Ended for good.
    Cancelled,
}

impl ServiceStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Suspended => "suspended",
            ServiceStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        match text {
            "active" => Ok(ServiceStatus::Active),
            "suspended" => Ok(ServiceStatus::Suspended),
            "cancelled" => Ok(ServiceStatus::Cancelled),
            other => anyhow::bail!("bad stored service status `{other}`"),
        }
    }

    /// Whether a service may go from `self` to `to`: active and suspended move both ways and
    /// may be cancelled; cancelled is final. Staying put is allowed (a no-op).
    pub fn can_become(self, to: ServiceStatus) -> bool {
        use ServiceStatus::{Active, Cancelled, Suspended};
        matches!(
            (self, to),
            (Active | Suspended, Active | Suspended | Cancelled) | (Cancelled, Cancelled)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ServiceStatus::{Active, Cancelled, Suspended};

    #[test]
    fn cancelled_is_final_and_the_rest_move_freely() {
        let all = [Active, Suspended, Cancelled];
        for from in all {
            for to in all {
                let expected = from != Cancelled || to == Cancelled;
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
            }
        }
    }
}

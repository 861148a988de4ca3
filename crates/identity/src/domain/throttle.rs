//! Brute-force limits on login: failures are counted per account and per client address within
//! a window; at the threshold the key is locked for a while, and attempts get 429 with
//! `Retry-After`. A successful login clears the account's count (not the address's: one good
//! account must not let an address keep guessing others).

use std::time::Duration;

use time::OffsetDateTime;

/// Thresholds, from configuration.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures of one account within the window that lock it.
    pub max_failures_per_account: u32,
    /// Failures from one address within the window that lock it.
    pub max_failures_per_address: u32,
    /// How long failures are counted together.
    pub window: Duration,
    /// How long a lock lasts.
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// The key failures of one account count under.
pub fn account_key(normalised_email: &str) -> String {
    format!("account:{normalised_email}")
}

/// The key failures from one address count under.
pub fn address_key(address: std::net::IpAddr) -> String {
    format!("address:{address}")
}

/// Whole seconds until `locked_until`, at least 1, or `None` when it has passed.
pub fn seconds_locked(locked_until: Option<OffsetDateTime>, now: OffsetDateTime) -> Option<u64> {
    let until = locked_until?;
    if until <= now {
        return None;
    }
    let remaining = (until - now).whole_milliseconds();
    let seconds = u64::try_from(remaining.div_euclid(1000) + i128::from(remaining % 1000 != 0))
        .unwrap_or(u64::MAX);
    Some(seconds.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_lock_time_rounds_up_and_ends() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let in_1500ms = now + time::Duration::milliseconds(1500);
        assert_eq!(seconds_locked(Some(in_1500ms), now), Some(2));
        assert_eq!(seconds_locked(Some(now), now), None);
        assert_eq!(seconds_locked(None, now), None);
        assert_eq!(
            seconds_locked(Some(now + time::Duration::milliseconds(1)), now),
            Some(1)
        );
    }
}

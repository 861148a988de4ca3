//! The support service's configuration.

use std::time::Duration;

use platform::db::DatabaseConfig;

use crate::domain::calendar::Calendar;
use crate::domain::sla::Policies;

/// How new incidents find an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignment {
    /// Nobody is assigned automatically.
    Off,
    /// Available agents in turn: the one assigned longest ago goes next.
    #[default]
    RoundRobin,
    /// The available agent with the fewest active incidents.
    LeastOpen,
}

/// Everything the support service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
    /// Seed demo agents and incidents into an empty database.
    pub demo_data: bool,
    /// When the desk works (SLA clocks count only these hours).
    pub calendar: Calendar,
    /// SLA targets per priority.
    pub policies: Policies,
    /// How new incidents are assigned.
    pub assignment: Assignment,
    /// A customer reply this long after resolution still reopens the incident.
    pub reopen_window: Duration,
    /// A resolved incident closes by itself after this long.
    pub auto_close_after: Duration,
}

impl Config {
    /// Defaults for a database: open 24×7 in UTC, default policies, round robin, reopen within
    /// 7 days, close after 7 days, no demo data.
    pub fn new(database: DatabaseConfig) -> Self {
        Self {
            database,
            demo_data: false,
            calendar: Calendar::always_open(),
            policies: Policies::default(),
            assignment: Assignment::RoundRobin,
            reopen_window: Duration::from_secs(7 * 24 * 3600),
            auto_close_after: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

//! The orders service's configuration.

use std::time::Duration;

use platform::db::DatabaseConfig;

/// Everything the orders service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
    /// Seed the demo delivery options into an empty database.
    pub demo_data: bool,
    /// The simulated provider declines charges above this, in minor units of the shop's
    /// currency (1,000,000: 10,000.00), and charges in any other currency.
    pub payment_limit: i64,
    /// The currency the shop sells in: delivery options and every cart are in it (ADR 0011).
    pub currency: String,
    /// How often the recovery task looks for checkouts and cancellations a stopped process left
    /// unfinished.
    pub recovery_interval: Duration,
    /// How long work must have been still before recovery takes it over (longer than any call to
    /// another service, so it never races a request still running elsewhere).
    pub recovery_grace: Duration,
}

impl Config {
    /// The defaults for a database.
    pub fn new(database: DatabaseConfig) -> Self {
        Self {
            database,
            demo_data: false,
            payment_limit: 1_000_000,
            currency: contracts::money::DEFAULT_CURRENCY.to_owned(),
            recovery_interval: Duration::from_secs(30),
            recovery_grace: Duration::from_secs(120),
        }
    }
}

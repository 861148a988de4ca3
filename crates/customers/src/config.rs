//! The customers service's configuration.

use std::time::Duration;

use platform::db::DatabaseConfig;

/// Everything the customers service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
    /// Seed demo customers into an empty database (embedded mode on a new data dir).
    pub demo_data: bool,
    /// How long a deleted record can be restored before it is erased (30 days).
    pub restore_window: Duration,
}

impl Config {
    /// The defaults for a database: no demo data, a 30-day restore window.
    pub fn new(database: DatabaseConfig) -> Self {
        Self {
            database,
            demo_data: false,
            restore_window: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

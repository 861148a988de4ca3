//! The catalog service's configuration.

use std::time::Duration;

use platform::db::DatabaseConfig;

/// Everything the catalog needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
    /// How long a reservation holds stock before it expires unless committed (15 minutes).
    pub reservation_ttl: Duration,
    /// Seed the demo catalog into an empty database (embedded mode on a new data dir).
    pub demo_data: bool,
    /// The currency the shop sells in: every price must be in it (ADR 0011).
    pub currency: String,
}

impl Config {
    /// The defaults for a database: reservations held 15 minutes, no demo data.
    pub fn new(database: DatabaseConfig) -> Self {
        Self {
            database,
            reservation_ttl: Duration::from_secs(15 * 60),
            demo_data: false,
            currency: contracts::money::DEFAULT_CURRENCY.to_owned(),
        }
    }
}

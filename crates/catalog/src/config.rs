//! The catalog service's configuration.

use platform::db::DatabaseConfig;

/// Everything the catalog needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
}

impl Config {
    /// The defaults for a database.
    pub fn new(database: DatabaseConfig) -> Self {
        Self { database }
    }
}

//! The website's configuration.

use platform::db::DatabaseConfig;

/// How the website runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its own database (sessions and its key).
    pub database: DatabaseConfig,
    /// Mark the session cookie `Secure`: set it when the site is served over TLS (it is also
    /// set for a request that came through a proxy as `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// The shop runs on demo data: the checkout lists the simulated provider's test cards.
    pub demo: bool,
    /// The currency the shop sells in: the back office's price forms offer it alone.
    pub currency: String,
}

impl Config {
    /// A site on `database`, without TLS, not in demo mode.
    pub fn new(database: DatabaseConfig) -> Self {
        Self {
            database,
            secure_cookies: false,
            demo: false,
            currency: contracts::money::DEFAULT_CURRENCY.to_owned(),
        }
    }
}

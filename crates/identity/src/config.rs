//! Identity's configuration, one struct per concern.

use std::time::Duration;

use platform::config::SecretString;
use platform::db::DatabaseConfig;

use crate::app::hashing::HashingConfig;
use crate::app::keys::KeyFile;
use crate::domain::throttle::ThrottlePolicy;

/// Everything the identity service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its database.
    pub database: DatabaseConfig,
    /// The token signing key.
    pub key_file: KeyFile,
    /// Tokens: issuer, audience, lifetimes.
    pub tokens: TokenConfig,
    /// Brute-force limits on login.
    pub throttle: ThrottlePolicy,
    /// Password hashing concurrency and queue.
    pub hashing: HashingConfig,
    /// How the first administrator comes to be.
    pub first_admin: FirstAdmin,
    /// The secret other services present for a service token; none is issued without it.
    pub service_secret: Option<SecretString>,
}

/// Access and refresh token settings.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    /// `iss` of every token, checked by every service.
    pub issuer: String,
    /// `aud` of every token, checked by every service.
    pub audience: String,
    /// Lifetime of an access token (15 minutes by default).
    pub access_ttl: Duration,
    /// Lifetime of a refresh token, and so of an idle session (30 days by default).
    pub refresh_ttl: Duration,
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self {
            issuer: "tienda".to_owned(),
            audience: "tienda".to_owned(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// How the first administrator is made when none exists.
#[derive(Debug, Clone)]
pub enum FirstAdmin {
    /// From `TIENDA_ADMIN_EMAIL` and `TIENDA_ADMIN_PASSWORD`.
    Configured {
        /// Its email.
        email: String,
        /// Its password.
        password: SecretString,
    },
    /// With a random password, reported once to the caller (embedded mode).
    Generate,
    /// Not at all (distributed mode without the settings): a warning is logged.
    None,
}

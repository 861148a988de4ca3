//! Every setting of the `tienda` binary, and how the layers combine: defaults, then the TOML
//! file (`tienda.toml`, or `--config`), then `TIENDA_*` environment variables and flags.
//!
//! [`Overrides`] is what clap reads (each flag also reads its environment variable, and `--help`
//! lists both); [`Settings`] is the merged result, turned into each service's typed config in
//! `typed.rs`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use platform::config::SecretString;
use platform::http::RateLimitConfig;
use platform::telemetry::LogFormat;
use serde::{Deserialize, Serialize};

mod typed;

/// The merged settings. Field docs are in [`Overrides`], which `--help` prints.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    missing_docs,
    reason = "documented once, on the matching Overrides field"
)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub demo_data: bool,
    pub shop_currency: String,
    pub identity_url: Option<String>,
    pub catalog_url: Option<String>,
    pub orders_url: Option<String>,
    pub customers_url: Option<String>,
    pub support_url: Option<String>,
    pub web_url: Option<String>,
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    pub rate_limit_guarded_per_minute: u32,
    pub rate_limit_guarded_burst: u32,
    pub secure_cookies: bool,
    pub service_secret: Option<SecretString>,
    pub database_url: Option<SecretString>,
    pub db_max_connections: u32,
    pub amqp_url: Option<SecretString>,
    pub amqp_exchange: String,
    pub amqp_queue_prefix: String,
    pub events_max_attempts: u32,
    pub events_outbox_retention_secs: u64,
    pub events_inbox_retention_secs: u64,
    pub jwt_key_file: Option<PathBuf>,
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    pub log: String,
    pub log_format: LogFormat,
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    pub trust_forwarded_for: bool,
    pub metrics_addr: Option<SocketAddr>,
    pub cors_origins: Option<String>,
    pub token_issuer: String,
    pub token_audience: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_address: u32,
    pub login_window_secs: u64,
    pub login_lockout_secs: u64,
    pub hash_concurrency: Option<usize>,
    pub hash_queue: Option<usize>,
    pub catalog_reservation_ttl_secs: u64,
    pub orders_payment_limit: i64,
    pub orders_recovery_grace_secs: u64,
    pub orders_recovery_interval_secs: u64,
    pub support_time_zone: String,
    pub support_hours: String,
    pub support_holidays: String,
    pub support_sla: String,
    pub support_assignment: AssignmentSetting,
    pub support_reopen_window_secs: u64,
    pub support_auto_close_secs: u64,
}

/// How new incidents are assigned (`TIENDA_SUPPORT_ASSIGNMENT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentSetting {
    /// Nobody is assigned automatically.
    Off,
    /// Available agents in turn.
    #[default]
    RoundRobin,
    /// The available agent with the fewest active incidents.
    LeastOpen,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            demo_data: true,
            shop_currency: contracts::money::DEFAULT_CURRENCY.to_owned(),
            identity_url: None,
            catalog_url: None,
            orders_url: None,
            customers_url: None,
            support_url: None,
            web_url: None,
            rate_limit_per_second: RateLimitConfig::default().per_second,
            rate_limit_burst: RateLimitConfig::default().burst,
            rate_limit_guarded_per_minute: RateLimitConfig::default().guarded_per_minute,
            rate_limit_guarded_burst: RateLimitConfig::default().guarded_burst,
            secure_cookies: false,
            service_secret: None,
            database_url: None,
            db_max_connections: 10,
            amqp_url: None,
            amqp_exchange: "tienda.events".to_owned(),
            amqp_queue_prefix: "tienda".to_owned(),
            events_max_attempts: 5,
            events_outbox_retention_secs: 24 * 3600,
            events_inbox_retention_secs: 7 * 24 * 3600,
            jwt_key_file: None,
            admin_email: None,
            admin_password: None,
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            trust_forwarded_for: false,
            metrics_addr: None,
            cors_origins: None,
            token_issuer: "tienda".to_owned(),
            token_audience: "tienda".to_owned(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 60 * 60,
            login_max_failures_per_account: 5,
            login_max_failures_per_address: 20,
            login_window_secs: 15 * 60,
            login_lockout_secs: 15 * 60,
            hash_concurrency: None,
            hash_queue: None,
            catalog_reservation_ttl_secs: 15 * 60,
            orders_payment_limit: 1_000_000,
            orders_recovery_grace_secs: 120,
            orders_recovery_interval_secs: 30,
            support_time_zone: "UTC".to_owned(),
            support_hours: "mon-sun 00:00-24:00".to_owned(),
            support_holidays: String::new(),
            support_sla: String::new(),
            support_assignment: AssignmentSetting::RoundRobin,
            support_reopen_window_secs: 7 * 24 * 3600,
            support_auto_close_secs: 7 * 24 * 3600,
        }
    }
}

/// Settings given as flags or environment variables; each wins over `tienda.toml`.
#[derive(Debug, Default, Clone, Args, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Overrides {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "TIENDA_ADDR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<SocketAddr>,

    /// Embedded mode: folder of the SQLite files and the signing key [default: ./data]
    #[arg(long, env = "TIENDA_DATA_DIR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,

    /// Embedded mode: seed demo data into empty databases [default: true]
    #[arg(long, env = "TIENDA_DEMO_DATA", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_data: Option<bool>,

    /// The currency the shop sells in (ISO 4217: EUR, USD, GBP, MXN, ARS, CLP, COP, PEN): every
    /// price, delivery option and cart is in it [default: EUR]
    #[arg(long, env = "TIENDA_SHOP_CURRENCY", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop_currency: Option<String>,

    /// `tienda serve` (all but identity): the identity service's base URL, for its public keys,
    /// e.g. http://identity:8080
    #[arg(long, env = "TIENDA_IDENTITY_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_url: Option<String>,

    /// `tienda serve orders` and `serve web`: the catalog service's base URL, e.g.
    /// http://catalog:8080
    #[arg(long, env = "TIENDA_CATALOG_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_url: Option<String>,

    /// `tienda serve web`: the orders service's base URL, e.g. http://orders:8080
    #[arg(long, env = "TIENDA_ORDERS_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_url: Option<String>,

    /// `tienda serve web`: the customers service's base URL, e.g. http://customers:8080
    #[arg(long, env = "TIENDA_CUSTOMERS_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers_url: Option<String>,

    /// `tienda serve web`: the support service's base URL, e.g. http://support:8080
    #[arg(long, env = "TIENDA_SUPPORT_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,

    /// `tienda gateway`: the website's base URL, e.g. http://web:8080. The gateway takes a
    /// comma-separated list of replicas in this and every other `TIENDA_<SERVICE>_URL`
    #[arg(long, env = "TIENDA_WEB_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,

    /// Requests per second one client address may make on average (429 beyond); 0 turns every
    /// rate limit off. Per process: N replicas let a client make N times as many [default: 100]
    #[arg(long, env = "TIENDA_RATE_LIMIT_PER_SECOND", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_second: Option<u32>,

    /// Requests one client address may make at once above the average [default: 200]
    #[arg(long, env = "TIENDA_RATE_LIMIT_BURST", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_burst: Option<u32>,

    /// Registrations, service tokens, visitor carts, incidents, comments, reviews and checkouts
    /// one client may make per minute, each its own bucket; 0 leaves only the limit above
    /// [default: 20]
    #[arg(long, env = "TIENDA_RATE_LIMIT_GUARDED_PER_MINUTE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_guarded_per_minute: Option<u32>,

    /// Guarded actions one client may take at once above their average [default: 10]
    #[arg(long, env = "TIENDA_RATE_LIMIT_GUARDED_BURST", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_guarded_burst: Option<u32>,

    /// Mark the website's session cookie `Secure` (serve it over TLS) [default: false; a
    /// request forwarded as `X-Forwarded-Proto: https` gets it anyway]
    #[arg(long, env = "TIENDA_SECURE_COOKIES", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_cookies: Option<bool>,

    /// The secret services present to identity for a service token (secret): the same value
    /// for `serve identity` and `serve orders`; the embedded mode makes one per start
    #[arg(
        long,
        env = "TIENDA_SERVICE_SECRET",
        global = true,
        hide_env_values = true
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_secret: Option<String>,

    /// `tienda serve`: the service's database, postgres://... or sqlite://PATH (secret)
    #[arg(
        long,
        env = "TIENDA_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,

    /// Most database connections per service [default: 10]
    #[arg(long, env = "TIENDA_DB_MAX_CONNECTIONS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_max_connections: Option<u32>,

    /// Ed25519 PKCS#8 PEM key that signs tokens (`openssl genpkey -algorithm ed25519`);
    /// required by `tienda serve identity`, created in the data dir when embedded
    #[arg(long, env = "TIENDA_JWT_KEY_FILE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_key_file: Option<PathBuf>,

    /// Email of the first administrator, made on start when there is none
    #[arg(long, env = "TIENDA_ADMIN_EMAIL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_email: Option<String>,

    /// Password of the first administrator (secret; without it the embedded mode generates
    /// one and prints it once)
    #[arg(
        long,
        env = "TIENDA_ADMIN_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_password: Option<String>,

    /// Log filter, e.g. `info` or `warn,identity=debug` [default: info]
    #[arg(long, env = "TIENDA_LOG", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,

    /// Log format [default: text]
    #[arg(long, env = "TIENDA_LOG_FORMAT", global = true, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,

    /// Largest request body in bytes; larger gets 413 [default: 1048576]
    #[arg(long, env = "TIENDA_BODY_LIMIT_BYTES", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_limit_bytes: Option<usize>,

    /// Seconds a request may take before it is abandoned with 503 [default: 30]
    #[arg(long, env = "TIENDA_REQUEST_TIMEOUT_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_timeout_secs: Option<u64>,

    /// Take the client address from X-Forwarded-For (only behind your own proxy) [default: false]
    #[arg(long, env = "TIENDA_TRUST_FORWARDED_FOR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_forwarded_for: Option<bool>,

    /// Serve /metrics on this address only (keep it private), not beside the API
    /// [default: beside the API]
    #[arg(long, env = "TIENDA_METRICS_ADDR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_addr: Option<SocketAddr>,

    /// Origins whose pages may call the API from a browser, comma-separated, each
    /// `scheme://host[:port]` (CORS) [default: none, no cross-origin calls]
    #[arg(long, env = "TIENDA_CORS_ORIGINS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_origins: Option<String>,

    /// `iss` of access tokens [default: tienda]
    #[arg(long, env = "TIENDA_TOKEN_ISSUER", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_issuer: Option<String>,

    /// `aud` of access tokens [default: tienda]
    #[arg(long, env = "TIENDA_TOKEN_AUDIENCE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_audience: Option<String>,

    /// Access token lifetime in seconds [default: 900]
    #[arg(long, env = "TIENDA_ACCESS_TOKEN_TTL_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_ttl_secs: Option<u64>,

    /// Refresh token (and idle session) lifetime in seconds [default: 2592000, 30 days]
    #[arg(long, env = "TIENDA_REFRESH_TOKEN_TTL_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_ttl_secs: Option<u64>,

    /// Failed logins of one account, within the window, that lock it [default: 5]
    #[arg(long, env = "TIENDA_LOGIN_MAX_FAILURES_PER_ACCOUNT", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_max_failures_per_account: Option<u32>,

    /// Failed logins from one address, within the window, that lock it [default: 20]
    #[arg(long, env = "TIENDA_LOGIN_MAX_FAILURES_PER_ADDRESS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_max_failures_per_address: Option<u32>,

    /// Seconds over which failed logins are counted together [default: 900]
    #[arg(long, env = "TIENDA_LOGIN_WINDOW_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_window_secs: Option<u64>,

    /// Seconds a locked account or address waits (sent as Retry-After) [default: 900]
    #[arg(long, env = "TIENDA_LOGIN_LOCKOUT_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_lockout_secs: Option<u64>,

    /// Password hashes computed at once [default: number of cores]
    #[arg(long, env = "TIENDA_HASH_CONCURRENCY", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash_concurrency: Option<usize>,

    /// Password hashes that may wait; beyond, logins get 503 with Retry-After
    /// [default: 8 × cores]
    #[arg(long, env = "TIENDA_HASH_QUEUE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash_queue: Option<usize>,

    /// Support desk time zone (IANA name) for SLA business hours [default: UTC]
    #[arg(long, env = "TIENDA_SUPPORT_TIME_ZONE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_time_zone: Option<String>,

    /// Support desk hours, e.g. `mon-fri 09:00-18:00; sat 10:00-14:00`
    /// [default: mon-sun 00:00-24:00]
    #[arg(long, env = "TIENDA_SUPPORT_HOURS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_hours: Option<String>,

    /// Support desk holidays, comma-separated YYYY-MM-DD [default: none]
    #[arg(long, env = "TIENDA_SUPPORT_HOLIDAYS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_holidays: Option<String>,

    /// SLA targets in business hours, e.g. `urgent 1h 4h; high 4h 16h` (priority, first
    /// response, resolution); priorities not named keep their defaults (docs/support.md)
    #[arg(long, env = "TIENDA_SUPPORT_SLA", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_sla: Option<String>,

    /// `tienda serve`: RabbitMQ for events between services, amqp://USER:PASSWORD@HOST:PORT/VHOST
    /// (secret); without it a lone service's events stay in process
    #[arg(long, env = "TIENDA_AMQP_URL", global = true, hide_env_values = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_url: Option<String>,

    /// The RabbitMQ topic exchange events go through [default: tienda.events]
    #[arg(long, env = "TIENDA_AMQP_EXCHANGE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_exchange: Option<String>,

    /// The prefix of each consuming service's RabbitMQ queue [default: tienda]
    #[arg(long, env = "TIENDA_AMQP_QUEUE_PREFIX", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_queue_prefix: Option<String>,

    /// Attempts at handling an event before it is dead-lettered [default: 5]
    #[arg(long, env = "TIENDA_EVENTS_MAX_ATTEMPTS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_max_attempts: Option<u32>,

    /// Seconds sent events stay in the outbox [default: 86400]
    #[arg(long, env = "TIENDA_EVENTS_OUTBOX_RETENTION_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_outbox_retention_secs: Option<u64>,

    /// Seconds handled event ids are remembered against redelivery [default: 604800]
    #[arg(long, env = "TIENDA_EVENTS_INBOX_RETENTION_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_inbox_retention_secs: Option<u64>,

    /// Seconds a stock reservation holds before it expires unless committed [default: 900]
    #[arg(long, env = "TIENDA_CATALOG_RESERVATION_TTL_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_reservation_ttl_secs: Option<u64>,

    /// The simulated payment provider declines charges above this, in minor units [default: 1000000]
    #[arg(long, env = "TIENDA_ORDERS_PAYMENT_LIMIT", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_payment_limit: Option<i64>,

    /// Seconds an order's pending step must be still before recovery takes it over [default: 120]
    #[arg(long, env = "TIENDA_ORDERS_RECOVERY_GRACE_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_recovery_grace_secs: Option<u64>,

    /// How often the orders service looks for checkouts and cancellations a stopped process
    /// left unfinished, in seconds (at least 1) [default: 30]
    #[arg(long, env = "TIENDA_ORDERS_RECOVERY_INTERVAL_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_recovery_interval_secs: Option<u64>,

    /// Automatic assignment of new incidents [default: round-robin]
    #[arg(long, env = "TIENDA_SUPPORT_ASSIGNMENT", global = true, value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_assignment: Option<AssignmentSetting>,

    /// Seconds after resolution in which a customer reply reopens an incident [default: 604800]
    #[arg(long, env = "TIENDA_SUPPORT_REOPEN_WINDOW_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_reopen_window_secs: Option<u64>,

    /// Seconds after which a resolved incident closes by itself [default: 604800]
    #[arg(long, env = "TIENDA_SUPPORT_AUTO_CLOSE_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_auto_close_secs: Option<u64>,
}

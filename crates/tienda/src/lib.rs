//! The `tienda` binary's library: the command line, and the two ways to run.
//!
//! - Embedded ([`build_embedded`]): every service in one process, one SQLite file each under the
//!   data dir, the signing key created there on first start.
//! - Distributed ([`build_single`]): one service per process on its own database
//!   (`TIENDA_DATABASE_URL`), keys and first administrator from configuration.
//!
//! Both return an [`App`] that the caller serves on a listener of its choosing until a shutdown
//! signal, so tests compose exactly what production runs.

pub mod settings;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use platform::App;
use platform::auth::TokenVerifier;
use platform::config::{ExposeSecret, SecretString};
use platform::db::{DatabaseConfig, Migrations};
use platform::http::HttpMetrics;
use platform::time::SystemClock;

pub use settings::{Overrides, Settings};

/// The settings file read when `--config` does not name one.
pub const DEFAULT_CONFIG_FILE: &str = "tienda.toml";

/// Tienda: an online shop and customer-care desk.
///
/// Settings come from defaults, then `tienda.toml` (or --config), then the TIENDA_* environment
/// variables and flags listed below (flags win).
#[derive(Debug, Parser)]
#[command(name = "tienda", version, about, long_about)]
pub struct Cli {
    /// The TOML settings file (keys as the flags, with `_` for `-`)
    #[arg(
        long,
        short = 'c',
        env = "TIENDA_CONFIG",
        global = true,
        default_value = "tienda.toml"
    )]
    pub config: PathBuf,

    /// Settings given as flags or environment.
    #[command(flatten)]
    pub overrides: Overrides,

    /// What to run (default: all).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to run.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Every service in one process on SQLite files in the data dir (the default)
    All,
    /// One service, on the database of TIENDA_DATABASE_URL
    Serve {
        /// The service
        service: ServiceName,
    },
    /// Bring a database schema up to date, then exit
    Migrate {
        /// The service whose TIENDA_DATABASE_URL to migrate; without it, every embedded database
        /// in the data dir
        service: Option<ServiceName>,
    },
}

/// A service that can run on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceName {
    /// Users, sessions, tokens, roles
    Identity,
    /// Customer records, contracted services, privacy
    Customers,
    /// Incidents, agents, SLA
    Support,
}

impl Cli {
    /// Merges the layers into settings. The file must exist when named explicitly.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let explicit = std::env::var_os("TIENDA_CONFIG").is_some()
            || std::env::args()
                .any(|arg| arg == "--config" || arg == "-c" || arg.starts_with("--config="));
        platform::config::load(&self.config, explicit, &self.overrides)
    }
}

/// A built process: the app to serve and anything to tell the operator once.
pub struct Built {
    /// The composed services.
    pub app: App,
    /// An administrator generated on this start, to print once.
    pub generated_admin: Option<identity::GeneratedAdmin>,
}

fn first_admin(settings: &Settings, generate: bool) -> anyhow::Result<identity::FirstAdmin> {
    match (&settings.admin_email, &settings.admin_password) {
        (Some(email), Some(password)) => Ok(identity::FirstAdmin::Configured {
            email: email.clone(),
            password: password.clone(),
        }),
        (None, None) if generate => Ok(identity::FirstAdmin::Generate),
        (None, None) => Ok(identity::FirstAdmin::None),
        _ => anyhow::bail!("set both TIENDA_ADMIN_EMAIL and TIENDA_ADMIN_PASSWORD, or neither"),
    }
}

fn database_config(settings: &Settings, url: impl Into<String>) -> DatabaseConfig {
    DatabaseConfig {
        max_connections: settings.db_max_connections,
        ..DatabaseConfig::from_url(url)
    }
}

fn embedded_database(settings: &Settings, service: &str) -> DatabaseConfig {
    database_config(
        settings,
        DatabaseConfig::sqlite_file(&settings.data_dir.join(format!("{service}.db")))
            .url
            .expose_secret(),
    )
}

fn identity_config(
    settings: &Settings,
    database: DatabaseConfig,
    embedded: bool,
) -> anyhow::Result<identity::Config> {
    let key_file = match (&settings.jwt_key_file, embedded) {
        (Some(path), _) => identity::keys::KeyFile {
            path: path.clone(),
            create_if_missing: embedded,
        },
        (None, true) => identity::keys::KeyFile {
            path: settings.data_dir.join("identity-signing-key.pem"),
            create_if_missing: true,
        },
        (None, false) => anyhow::bail!(
            "`tienda serve identity` needs TIENDA_JWT_KEY_FILE (make one with `openssl genpkey -algorithm ed25519 -out key.pem`)"
        ),
    };
    Ok(identity::Config {
        database,
        key_file,
        tokens: settings.tokens(),
        throttle: settings.throttle(),
        hashing: settings.hashing(),
        first_admin: first_admin(settings, embedded)?,
    })
}

fn create_data_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the data dir {}", path.display()))
}

/// Every service in one process, on SQLite files in the data dir.
pub async fn build_embedded(settings: &Settings) -> anyhow::Result<Built> {
    create_data_dir(&settings.data_dir)?;
    let identity = identity::build(identity_config(
        settings,
        embedded_database(settings, "identity"),
        true,
    )?)
    .await
    .context("the identity service did not start")?;
    let customers = customers::build(
        customers::Config {
            demo_data: settings.demo_data,
            ..customers::Config::new(embedded_database(settings, "customers"))
        },
        identity.verifier.clone(),
    )
    .await
    .context("the customers service did not start")?;
    let support = support::build(
        settings.support(embedded_database(settings, "support"), settings.demo_data)?,
        identity.verifier.clone(),
        Arc::new(SystemClock),
    )
    .await
    .context("the support service did not start")?;
    let app = App::compose(
        vec![identity.service, customers.service, support.service],
        &settings.http(),
        HttpMetrics::new(),
    );
    Ok(Built {
        app,
        generated_admin: identity.generated_admin,
    })
}

/// A verifier of identity's tokens for a service in its own process: keys from identity's JWKS.
fn remote_verifier(settings: &Settings) -> anyhow::Result<Arc<TokenVerifier>> {
    let identity = settings
        .identity_url
        .as_deref()
        .context("`tienda serve` needs TIENDA_IDENTITY_URL (the identity service's base URL) to verify tokens")?;
    Ok(Arc::new(TokenVerifier::remote(
        format!(
            "{}{}/jwks.json",
            identity.trim_end_matches('/'),
            identity::PREFIX
        ),
        &settings.token_issuer,
        &settings.token_audience,
    )))
}

fn required_database_url(settings: &Settings) -> anyhow::Result<&SecretString> {
    settings
        .database_url
        .as_ref()
        .context("`tienda serve` needs TIENDA_DATABASE_URL (postgres://... or sqlite://PATH)")
}

/// One service in this process, on the database of `TIENDA_DATABASE_URL`.
pub async fn build_single(settings: &Settings, service: ServiceName) -> anyhow::Result<Built> {
    let database = database_config(settings, required_database_url(settings)?.expose_secret());
    match service {
        ServiceName::Identity => {
            let identity = identity::build(identity_config(settings, database, false)?)
                .await
                .context("the identity service did not start")?;
            Ok(Built {
                app: App::compose(vec![identity.service], &settings.http(), HttpMetrics::new()),
                generated_admin: identity.generated_admin,
            })
        }
        ServiceName::Customers => {
            let customers =
                customers::build(customers::Config::new(database), remote_verifier(settings)?)
                    .await
                    .context("the customers service did not start")?;
            Ok(Built {
                app: App::compose(
                    vec![customers.service],
                    &settings.http(),
                    HttpMetrics::new(),
                ),
                generated_admin: None,
            })
        }
        ServiceName::Support => {
            let support = support::build(
                settings.support(database, false)?,
                remote_verifier(settings)?,
                Arc::new(SystemClock),
            )
            .await
            .context("the support service did not start")?;
            Ok(Built {
                app: App::compose(vec![support.service], &settings.http(), HttpMetrics::new()),
                generated_admin: None,
            })
        }
    }
}

/// Brings a schema up to date: the named service's `TIENDA_DATABASE_URL`, or every embedded
/// database in the data dir.
pub async fn migrate(settings: &Settings, service: Option<ServiceName>) -> anyhow::Result<()> {
    let every: [(ServiceName, &str, &Migrations); 3] = [
        (ServiceName::Identity, "identity", &identity::MIGRATIONS),
        (ServiceName::Customers, "customers", &customers::MIGRATIONS),
        (ServiceName::Support, "support", &support::MIGRATIONS),
    ];
    let targets: Vec<(&str, DatabaseConfig, &Migrations)> = match service {
        Some(wanted) => {
            let url = required_database_url(settings)?.expose_secret();
            every
                .iter()
                .filter(|(name, ..)| *name == wanted)
                .map(|(_, name, migrations)| (*name, database_config(settings, url), *migrations))
                .collect()
        }
        None => {
            create_data_dir(&settings.data_dir)?;
            every
                .iter()
                .map(|(_, name, migrations)| {
                    (*name, embedded_database(settings, name), *migrations)
                })
                .collect()
        }
    };
    for (name, config, migrations) in targets {
        let database = platform::db::Database::connect(&config).await?;
        database.migrate(migrations).await?;
        database.close().await;
        tracing::info!(service = name, "schema is up to date");
    }
    Ok(())
}

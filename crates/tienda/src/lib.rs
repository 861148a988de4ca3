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
use platform::client::{ServiceClient, ServiceTokens};
use platform::config::{ExposeSecret, SecretString};
use platform::db::{DatabaseConfig, Migrations};
use platform::events::amqp::{AmqpConfig, AmqpTransport};
use platform::events::{Bus, DeadLetter, EventMetrics, HeldTransport, Transport};
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
    /// Inspect and replay events whose handling failed every attempt
    Events {
        /// What to do
        #[command(subcommand)]
        command: EventsCommand,
    },
}

/// `tienda events ...`
#[derive(Debug, Clone, Subcommand)]
pub enum EventsCommand {
    /// List the dead letters, oldest first
    DeadLetters {
        /// The service whose TIENDA_DATABASE_URL to read; without it, every embedded database
        #[arg(long)]
        service: Option<ServiceName>,
    },
    /// Send a dead letter back to its handler (the running service picks it up within a second)
    Replay {
        /// The event id, as `dead-letters` lists it
        id: uuid::Uuid,
        /// The service whose TIENDA_DATABASE_URL holds it; without it, every embedded database
        #[arg(long)]
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
    /// Categories, products, search
    Catalog,
    /// Incidents, agents, SLA
    Support,
    /// Carts, checkout, payment, orders, delivery
    Orders,
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
    service_secret: Option<SecretString>,
) -> anyhow::Result<identity::Config> {
    let key_file = match (&settings.jwt_key_file, embedded) {
        (Some(path), _) => identity::app::keys::KeyFile {
            path: path.clone(),
            create_if_missing: embedded,
        },
        (None, true) => identity::app::keys::KeyFile {
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
        service_secret,
    })
}

fn create_data_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the data dir {}", path.display()))
}

/// Every consuming service and the event types it takes: the queues a broker must hold, so that
/// events published before a consumer first starts wait for it.
pub fn event_topology() -> Vec<(String, Vec<String>)> {
    let queue = |service: &str, types: &[&str]| {
        (
            service.to_owned(),
            types.iter().map(|kind| (*kind).to_owned()).collect(),
        )
    };
    vec![
        queue("customers", &customers::events::CONSUMES),
        queue("support", &support::events::CONSUMES),
    ]
}

/// The event bus of this process: in memory when every service is here; RabbitMQ when
/// `TIENDA_AMQP_URL` names one; otherwise events wait in the outbox.
fn event_bus(settings: &Settings, metrics: &HttpMetrics, embedded: bool) -> anyhow::Result<Bus> {
    let config = settings.events()?;
    let metrics = EventMetrics::new(metrics);
    if embedded {
        return Ok(Bus::in_memory(config, metrics));
    }
    let transport: Arc<dyn Transport> = match &settings.amqp_url {
        Some(url) => Arc::new(AmqpTransport::new(AmqpConfig {
            exchange: settings.amqp_exchange.clone(),
            queue_prefix: settings.amqp_queue_prefix.clone(),
            topology: event_topology(),
            ..AmqpConfig::new(url.expose_secret())
        })),
        None => {
            tracing::warn!(
                "TIENDA_AMQP_URL is not set: this service's events wait in its outbox and it consumes none"
            );
            Arc::new(HeldTransport)
        }
    };
    Ok(Bus::new(transport, config, metrics))
}

/// Every service in one process, on SQLite files in the data dir, with an in-memory bus.
pub async fn build_embedded(settings: &Settings) -> anyhow::Result<Built> {
    create_data_dir(&settings.data_dir)?;
    let metrics = HttpMetrics::new();
    let bus = event_bus(settings, &metrics, true)?;
    // The services of this process share a secret of their own unless one is configured.
    let service_secret = settings
        .service_secret
        .clone()
        .unwrap_or_else(random_secret);
    let identity = identity::build(
        identity_config(
            settings,
            embedded_database(settings, "identity"),
            true,
            Some(service_secret.clone()),
        )?,
        &bus,
    )
    .await
    .context("the identity service did not start")?;
    let customers = customers::build(
        customers::Config {
            demo_data: settings.demo_data,
            ..customers::Config::new(embedded_database(settings, "customers"))
        },
        identity.verifier.clone(),
        &bus,
    )
    .await
    .context("the customers service did not start")?;
    let catalog = catalog::build(
        catalog::Config {
            demo_data: settings.demo_data,
            ..settings.catalog(embedded_database(settings, "catalog"))
        },
        identity.verifier.clone(),
        &bus,
    )
    .await
    .context("the catalog service did not start")?;
    let support = support::build(
        settings.support(embedded_database(settings, "support"), settings.demo_data)?,
        identity.verifier.clone(),
        Arc::new(SystemClock),
        &bus,
    )
    .await
    .context("the support service did not start")?;
    // Orders calls the catalog and identity in process, through their routers.
    let identity_client = ServiceClient::in_process("identity", identity.service.router.clone());
    let catalog_client = ServiceClient::in_process("catalog", catalog.service.router.clone());
    let orders = orders::build(
        orders::Config {
            demo_data: settings.demo_data,
            ..settings.orders(embedded_database(settings, "orders"))
        },
        identity.verifier.clone(),
        orders_catalog(catalog_client, identity_client, service_secret),
        orders::Payments::Simulated,
        &bus,
    )
    .await
    .context("the orders service did not start")?;
    let app = App::compose(
        vec![
            identity.service,
            customers.service,
            catalog.service,
            orders.service,
            support.service,
        ],
        &settings.http(),
        metrics,
    );
    Ok(Built {
        app,
        generated_admin: identity.generated_admin,
    })
}

/// A random secret for the services of one process.
fn random_secret() -> SecretString {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    SecretString::from(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The orders service's view of the catalog, with service tokens from identity.
fn orders_catalog(
    catalog: ServiceClient,
    identity: ServiceClient,
    secret: SecretString,
) -> orders::CatalogClient {
    orders::CatalogClient::new(
        catalog,
        Arc::new(ServiceTokens::new(identity, "orders", secret)),
    )
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

/// One service in this process, on the database of `TIENDA_DATABASE_URL`, with its events over
/// RabbitMQ (`TIENDA_AMQP_URL`).
pub async fn build_single(settings: &Settings, service: ServiceName) -> anyhow::Result<Built> {
    let database = database_config(settings, required_database_url(settings)?.expose_secret());
    let metrics = HttpMetrics::new();
    let bus = event_bus(settings, &metrics, false)?;
    let (built, generated_admin) = match service {
        ServiceName::Identity => {
            let config =
                identity_config(settings, database, false, settings.service_secret.clone())?;
            let identity = identity::build(config, &bus)
                .await
                .context("the identity service did not start")?;
            (identity.service, identity.generated_admin)
        }
        ServiceName::Customers => {
            let customers = customers::build(
                customers::Config::new(database),
                remote_verifier(settings)?,
                &bus,
            )
            .await
            .context("the customers service did not start")?;
            (customers.service, None)
        }
        ServiceName::Catalog => {
            let catalog =
                catalog::build(settings.catalog(database), remote_verifier(settings)?, &bus)
                    .await
                    .context("the catalog service did not start")?;
            (catalog.service, None)
        }
        ServiceName::Support => {
            let support = support::build(
                settings.support(database, false)?,
                remote_verifier(settings)?,
                Arc::new(SystemClock),
                &bus,
            )
            .await
            .context("the support service did not start")?;
            (support.service, None)
        }
        ServiceName::Orders => {
            let need = |value: Option<&String>, what: &str| {
                value
                    .cloned()
                    .with_context(|| format!("`tienda serve orders` needs {what}"))
            };
            let identity_url = need(
                settings.identity_url.as_ref(),
                "TIENDA_IDENTITY_URL (the identity service's base URL)",
            )?;
            let catalog_url = need(
                settings.catalog_url.as_ref(),
                "TIENDA_CATALOG_URL (the catalog service's base URL)",
            )?;
            let secret = settings.service_secret.clone().context(
                "`tienda serve orders` needs TIENDA_SERVICE_SECRET (the same as identity's)",
            )?;
            let orders = orders::build(
                settings.orders(database),
                remote_verifier(settings)?,
                orders_catalog(
                    ServiceClient::http("catalog", &catalog_url),
                    ServiceClient::http("identity", &identity_url),
                    secret,
                ),
                orders::Payments::Simulated,
                &bus,
            )
            .await
            .context("the orders service did not start")?;
            (orders.service, None)
        }
    };
    Ok(Built {
        app: App::compose(vec![built], &settings.http(), metrics),
        generated_admin,
    })
}

/// The databases a maintenance command works on: the named service's `TIENDA_DATABASE_URL`, or
/// every embedded database in the data dir.
fn service_databases(
    settings: &Settings,
    service: Option<ServiceName>,
) -> anyhow::Result<Vec<(&'static str, DatabaseConfig, &'static Migrations)>> {
    let every: [(ServiceName, &'static str, &'static Migrations); 5] = [
        (ServiceName::Identity, "identity", &identity::MIGRATIONS),
        (ServiceName::Customers, "customers", &customers::MIGRATIONS),
        (ServiceName::Catalog, "catalog", &catalog::MIGRATIONS),
        (ServiceName::Support, "support", &support::MIGRATIONS),
        (ServiceName::Orders, "orders", &orders::MIGRATIONS),
    ];
    Ok(match service {
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
    })
}

/// Opens a service's database with its schema brought up to date.
async fn open_migrated(
    config: &DatabaseConfig,
    migrations: &Migrations,
) -> anyhow::Result<platform::db::Database> {
    let database = platform::db::Database::connect(config).await?;
    database.migrate(migrations).await?;
    Ok(database)
}

/// Brings a schema up to date: the named service's `TIENDA_DATABASE_URL`, or every embedded
/// database in the data dir.
pub async fn migrate(settings: &Settings, service: Option<ServiceName>) -> anyhow::Result<()> {
    for (name, config, migrations) in service_databases(settings, service)? {
        open_migrated(&config, migrations).await?.close().await;
        tracing::info!(service = name, "schema is up to date");
    }
    Ok(())
}

/// The dead letters of the named service (`TIENDA_DATABASE_URL`) or of every embedded service,
/// as (service, dead letter).
pub async fn dead_letters(
    settings: &Settings,
    service: Option<ServiceName>,
) -> anyhow::Result<Vec<(&'static str, DeadLetter)>> {
    let mut found = Vec::new();
    for (name, config, migrations) in service_databases(settings, service)? {
        let database = open_migrated(&config, migrations).await?;
        let letters = platform::events::dead_letters(database.pool()).await?;
        database.close().await;
        found.extend(letters.into_iter().map(|letter| (name, letter)));
    }
    Ok(found)
}

/// Sends the dead letter `id` back to its handler; answers the service that held it, or `None`
/// when no database holds a dead letter with that id.
pub async fn replay(
    settings: &Settings,
    service: Option<ServiceName>,
    id: uuid::Uuid,
) -> anyhow::Result<Option<&'static str>> {
    for (name, config, migrations) in service_databases(settings, service)? {
        let database = open_migrated(&config, migrations).await?;
        let replayed = platform::events::replay(database.pool(), id).await?;
        database.close().await;
        if replayed {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

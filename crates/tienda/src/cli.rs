//! The command line: what to run, with the settings of [`crate::settings`] flattened in.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::settings::{Overrides, Settings};

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
    /// The edge of a distributed shop: routes /api/<service>/ to the services and the rest to
    /// the website (TIENDA_<SERVICE>_URL and TIENDA_WEB_URL, each a comma-separated list of
    /// replicas)
    Gateway,
    /// Ask this process's own /health/ready on TIENDA_ADDR (for a container HEALTHCHECK, where
    /// no curl exists); exits 0 when ready
    Probe,
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
    /// The website (storefront and customer pages), a client of the others
    Web,
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

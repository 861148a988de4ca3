//! The `tienda` binary's library: the command line, and the two ways to run.
//!
//! - Embedded ([`build_embedded`], `embedded.rs`): every service in one process, one SQLite file
//!   each under the data dir, the signing key created there on first start.
//! - Distributed ([`build_single`], `distributed.rs`): one service per process on its own
//!   database (`TIENDA_DATABASE_URL`), keys and first administrator from configuration; and
//!   the gateway in front of them ([`build_gateway`]).
//!
//! Both return an [`App`] that the caller serves on a listener of its choosing until a shutdown
//! signal, so tests compose exactly what production runs. `cli.rs` is the command line,
//! [`settings`] the layered settings, `wiring.rs` what both modes build alike (databases,
//! identity's config, the event bus), `admin.rs` the maintenance commands (migrate, dead
//! letters).

mod admin;
mod cli;
mod distributed;
mod embedded;
pub mod settings;
mod wiring;

use platform::App;

pub use admin::{dead_letters, migrate, replay};
pub use cli::{Cli, Command, DEFAULT_CONFIG_FILE, EventsCommand, ServiceName};
pub use distributed::{build_gateway, build_single};
pub use embedded::build_embedded;
pub use settings::{Overrides, Settings};
pub use wiring::event_topology;

/// A built process: the app to serve and anything to tell the operator once.
pub struct Built {
    /// The composed services.
    pub app: App,
    /// An administrator generated on this start, to print once.
    pub generated_admin: Option<identity::GeneratedAdmin>,
}

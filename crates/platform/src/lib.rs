//! Shared machinery for every Tienda service, and no business rules.
//!
//! - [`config`]: layered configuration (defaults, `tienda.toml`, `TIENDA_*`, flags), secrets.
//! - [`telemetry`]: logs, human or JSON.
//! - [`error`]: [`ApiError`], rendered as RFC 9457 problem documents.
//! - [`db`]: one pool type over SQLite and PostgreSQL, migrations, constraint helpers.
//! - [`http`]: middleware stack, JSON and query extractors, health, metrics, OpenAPI, serving.
//! - [`auth`]: access-token verification and role guards; [`sessions`]: the revoked sessions a
//!   service in its own process learns from identity's events.
//! - [`paging`], [`time`]: the list and time conventions of the API.
//! - [`events`]: the event backbone: envelope, outbox and relay, inbox, in-memory and AMQP
//!   transports.
//! - [`app`]: services composed behind one listener; [`state`]: the state a service's routes
//!   share.
//! - `testing` (feature `testing`): fresh databases per test on either backend.

pub mod app;
pub mod auth;
pub mod client;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod http;
pub mod idempotency;
pub mod paging;
pub mod sessions;
pub mod state;
pub mod telemetry;
pub mod text;
pub mod time;

#[cfg(feature = "testing")]
pub mod testing;

pub use app::{App, BackgroundTask, Service, periodic};
pub use error::{ApiError, FieldError};
pub use state::{Built, State};

//! The catalog service: categories (a tree), products of three kinds (books, pets, other
//! goods) with their attributes, stock, and search, under `/api/catalog`.
//!
//! Layout, as in every domain crate (docs/adr/0001): [`domain`] (ISBNs, kinds: pure),
//! [`app`] (what the routes do: categories, products, stock with reservations, reviews),
//! [`store`] (all SQL, full-text search per backend), `http` (one file per resource, and
//! `http/error.rs`, the one mapping of [`error::Error`] to problem documents), [`events`] (what
//! it publishes), [`demo`], `migrations/` (with the text index per backend in
//! `sqlite/` and `postgres/`).

pub mod app;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
mod http;
pub mod store;

use std::sync::Arc;

use platform::Service;
use platform::auth::TokenVerifier;
use platform::db::{Database, Migrations};
use platform::events::{Bus, Events, Handlers};
use platform::http::ReadinessCheck;

pub use config::Config;
pub use http::PREFIX;

/// The schema: shared, but for the text index (FTS5 on SQLite, a `tsvector` on PostgreSQL).
pub static MIGRATIONS: Migrations = Migrations {
    shared: sqlx::migrate!("./migrations"),
    sqlite: sqlx::migrate!("migrations/sqlite"),
    postgres: sqlx::migrate!("migrations/postgres"),
};

/// How often expired reservations are looked for.
const EXPIRY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// What the routes share.
pub struct Inner {
    /// The catalog database.
    pub database: Database,
    /// Verifies callers' tokens.
    pub verifier: Arc<TokenVerifier>,
    /// What the catalog tells the other services.
    pub events: Events,
    /// How long a reservation holds stock.
    pub reservation_ttl: std::time::Duration,
    /// The currency every price is in.
    pub currency: String,
}

/// The routes' state: cheap to clone.
pub type State = platform::State<Inner>;

impl platform::state::Verifies for Inner {
    fn verifier(&self) -> &Arc<TokenVerifier> {
        &self.verifier
    }
}

/// The built catalog service, and its state for work outside requests (tests, background work).
pub type Catalog = platform::Built<State>;

/// Connects, migrates, seeds the demo catalog when asked on an empty database, and builds the
/// routes, the expiry of reservations and the event relay on `bus`.
pub async fn build(
    config: Config,
    verifier: Arc<TokenVerifier>,
    bus: &Bus,
) -> anyhow::Result<Catalog> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let events = Events::new("catalog", database.clone(), bus);
    let state = State::new(Inner {
        database: database.clone(),
        verifier,
        events: events.clone(),
        reservation_ttl: config.reservation_ttl,
        currency: config.currency.clone(),
    });
    if config.demo_data {
        demo::seed(&state).await?;
    }
    let (router, openapi) = http::router(state.clone());
    let expiry_state = state.clone();
    let expiry = platform::periodic(EXPIRY_INTERVAL, move || {
        let state = expiry_state.clone();
        async move {
            match app::stock::expire(&state).await {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "expired reservations released"),
                Err(error) => tracing::warn!(%error, "releasing expired reservations failed"),
            }
        }
    });
    Ok(Catalog {
        service: Service {
            name: "catalog",
            router,
            openapi,
            readiness: vec![
                ReadinessCheck::database("catalog-database", database),
                events.readiness(),
            ],
            tasks: std::iter::once(expiry)
                .chain(events.tasks_verifying(Handlers::new(), &state.verifier))
                .collect(),
        },
        state,
    })
}

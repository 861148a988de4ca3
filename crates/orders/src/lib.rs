//! The orders service: carts, checkout, payment, orders and delivery, under `/api/orders`.
//!
//! This is where the shop earns money, so its rules are: never oversell (stock is reserved in
//! the catalog, all lines or none, before any charge), never charge twice (a charge carries the
//! order id as the provider's idempotency key, and the checkout the caller's `Idempotency-Key`),
//! never lose a paid order, and always end in a clear state: every step taken with another
//! service is recorded first (`pending_step`), and [`app::recovery`] finishes whatever a
//! stopped process left, on start and then periodically.
//!
//! Layout, as in every domain crate (docs/adr/0001): [`domain`] (card checks, the state table,
//! addresses: pure), [`app`] (carts, checkout, settlement, orders, delivery and recovery: what
//! the routes and tasks do, and the views they answer), [`clients`] (the catalog, and the
//! payment provider trait with the simulated provider), [`store`] (all SQL), `http` (one file
//! per resource, and `http/error.rs`), [`events`], [`demo`], `migrations/`.

pub mod app;
pub mod clients;
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

pub use clients::catalog::CatalogClient;
pub use config::Config;
pub use http::PREFIX;

/// The schema: one set for both backends.
pub static MIGRATIONS: Migrations = Migrations::shared(sqlx::migrate!("./migrations"));

/// What the routes share.
pub struct Inner {
    /// The orders database.
    pub database: Database,
    /// Verifies callers' tokens.
    pub verifier: Arc<TokenVerifier>,
    /// What the orders service tells the others.
    pub events: Events,
    /// The catalog: prices, names, reservations.
    pub catalog: CatalogClient,
    /// Takes the money.
    pub payments: Arc<dyn clients::payments::PaymentProvider>,
    /// The currency the shop sells in.
    pub currency: String,
}

/// The routes' state: cheap to clone.
pub type State = platform::State<Inner>;

impl platform::state::Verifies for Inner {
    fn verifier(&self) -> &Arc<TokenVerifier> {
        &self.verifier
    }
}

/// Which payment provider to use.
pub enum Payments {
    /// The built-in simulated provider, keeping its books in the orders database.
    Simulated,
    /// Another provider.
    Provider(Arc<dyn clients::payments::PaymentProvider>),
}

/// The built orders service, and its state for work outside requests (tests, background work).
pub type Orders = platform::Built<State>;

/// Connects, migrates, seeds the demo delivery options when asked on an empty database, and
/// builds the routes, the recovery task and the event relay on `bus`.
pub async fn build(
    config: Config,
    verifier: Arc<TokenVerifier>,
    catalog: CatalogClient,
    payments: Payments,
    bus: &Bus,
) -> anyhow::Result<Orders> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let events = Events::new("orders", database.clone(), bus);
    let payments: Arc<dyn clients::payments::PaymentProvider> = match payments {
        Payments::Simulated => Arc::new(clients::payments::SimulatedProvider::new(
            database.clone(),
            config.payment_limit,
            &config.currency,
        )),
        Payments::Provider(provider) => provider,
    };
    let state = State::new(Inner {
        database: database.clone(),
        verifier,
        events: events.clone(),
        catalog,
        payments,
        currency: config.currency.clone(),
    });
    if config.demo_data {
        demo::seed(&state).await?;
    }
    let (router, openapi) = http::router(state.clone());
    let recovery_state = state.clone();
    let grace = config.recovery_grace;
    let recovery = platform::periodic(config.recovery_interval, move || {
        let state = recovery_state.clone();
        async move {
            app::recovery::run(&state, grace).await;
        }
    });
    Ok(Orders {
        service: Service {
            name: "orders",
            router,
            openapi,
            readiness: vec![
                ReadinessCheck::database("orders-database", database),
                events.readiness(),
            ],
            tasks: std::iter::once(recovery)
                .chain(events.tasks_verifying(Handlers::new(), &state.verifier))
                .collect(),
        },
        state,
    })
}

//! The customers service: customer records, the services each has contracted, the audit trail
//! of every change, and privacy (export, erasure), under `/api/customers`.
//!
//! A business keeps a record of each customer whether or not the customer has an account: staff
//! create records; a new account is linked to the record with its email, or gets one made from
//! it, when identity announces it ([`events`]); its owner reaches it at `/me`.
//!
//! Layout, as in every domain crate (docs/adr/0001): [`domain`] (pure rules), [`app`] (what
//! the routes do, one file per resource as in `http`: customers, me, services, privacy),
//! [`store`] (all SQL), `http` (one file per resource, and `http/error.rs`), [`events`],
//! [`demo`] (demo data), `migrations/` (one set for both backends).

pub mod app;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
mod http;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use platform::Service;
use platform::auth::TokenVerifier;
use platform::db::{Database, Migrations};
use platform::events::{Bus, Events};
use platform::http::ReadinessCheck;

pub use config::Config;
pub use http::PREFIX;

/// The schema: one set for both backends.
pub static MIGRATIONS: Migrations = Migrations::shared(sqlx::migrate!("./migrations"));

/// How often deleted records past their restore window are erased.
const ERASE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// What the routes share.
pub struct Inner {
    /// The customers database.
    pub database: Database,
    /// Verifies callers' tokens.
    pub verifier: Arc<TokenVerifier>,
    /// How long a deleted record can be restored.
    pub restore_window: Duration,
    /// What customers tells the other services.
    pub events: Events,
}

/// The routes' state: cheap to clone.
pub type State = platform::State<Inner>;

impl platform::state::Verifies for Inner {
    fn verifier(&self) -> &Arc<TokenVerifier> {
        &self.verifier
    }
}

/// The built customers service, and its state for work outside requests (tests, background work).
pub type Customers = platform::Built<State>;

/// Connects, migrates, seeds demo data when asked on an empty database, and builds the routes,
/// the event relay and consumer on `bus`, and the erasure of expired deletions.
pub async fn build(
    config: Config,
    verifier: Arc<TokenVerifier>,
    bus: &Bus,
) -> anyhow::Result<Customers> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let events = Events::new("customers", database.clone(), bus);
    let state = State::new(Inner {
        database: database.clone(),
        verifier,
        restore_window: config.restore_window,
        events: events.clone(),
    });
    if config.demo_data {
        demo::seed(&state).await?;
    }
    let (router, openapi) = http::router(state.clone());
    let task_state = state.clone();
    let erase_expired = platform::periodic(ERASE_INTERVAL, move || {
        let state = task_state.clone();
        async move {
            if let Err(error) = app::privacy::erase_expired_deletions(&state).await {
                tracing::warn!(error = %error, "erasing expired deletions failed");
            }
        }
    });
    Ok(Customers {
        service: Service {
            name: "customers",
            router,
            openapi,
            readiness: vec![
                ReadinessCheck::database("customers-database", database),
                events.readiness(),
            ],
            tasks: std::iter::once(erase_expired)
                .chain(events.tasks_verifying(events::handlers(&state), &state.verifier))
                .collect(),
        },
        state,
    })
}

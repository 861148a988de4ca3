//! The support service: incidents from opened to resolved, their conversation and history,
//! agents and automatic assignment, SLA clocks in business time, and satisfaction, under
//! `/api/support`. `docs/support.md` describes the rules.
//!
//! Layout, as in every domain crate (docs/adr/0001): [`domain`] (states, calendar, SLA: pure),
//! [`app`] (incidents, conversation, agents, merging, satisfaction, timers: what the routes and
//! tasks do, and the views they answer), [`store`] (all SQL), `http` (one file per resource,
//! and `http/error.rs`), [`demo`], `migrations/` (one set for both backends), and [`events`]
//! (what it publishes and consumes).

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
use platform::time::Clock;

pub use config::{Assignment, Config};
pub use http::PREFIX;

/// The schema: one set for both backends.
pub static MIGRATIONS: Migrations = Migrations::shared(sqlx::migrate!("./migrations"));

/// How often SLA clocks are swept for breaches and resolved incidents closed.
const TIMER_INTERVAL: Duration = Duration::from_secs(60);

/// What the routes share.
pub struct Inner {
    /// The support database.
    pub database: Database,
    /// Verifies callers' tokens.
    pub verifier: Arc<TokenVerifier>,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Business hours.
    pub calendar: domain::calendar::Calendar,
    /// SLA targets.
    pub policies: domain::sla::Policies,
    /// Automatic assignment.
    pub assignment: Assignment,
    /// Customer replies within this time after resolution reopen.
    pub reopen_window: time::Duration,
    /// Resolved incidents close after this time.
    pub auto_close_after: time::Duration,
    /// What support tells the other services.
    pub events: Events,
}

/// The routes' state: cheap to clone.
pub type State = platform::State<Inner>;

impl platform::state::Verifies for Inner {
    fn verifier(&self) -> &Arc<TokenVerifier> {
        &self.verifier
    }
}

/// The built support service, and its state for work outside requests (tests, background work).
pub type Support = platform::Built<State>;

fn duration(std: Duration) -> time::Duration {
    time::Duration::try_from(std).unwrap_or(time::Duration::MAX)
}

/// Connects, migrates, seeds demo data when asked on an empty database, and builds the routes,
/// the timers (SLA sweep, auto-close, idempotency-key pruning), and the event relay and
/// consumer on `bus`.
pub async fn build(
    config: Config,
    verifier: Arc<TokenVerifier>,
    clock: Arc<dyn Clock>,
    bus: &Bus,
) -> anyhow::Result<Support> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let events = Events::new("support", database.clone(), bus);
    let state = State::new(Inner {
        database: database.clone(),
        verifier,
        clock,
        calendar: config.calendar,
        policies: config.policies,
        assignment: config.assignment,
        reopen_window: duration(config.reopen_window),
        auto_close_after: duration(config.auto_close_after),
        events: events.clone(),
    });
    if config.demo_data {
        demo::seed(&state).await?;
    }
    let (router, openapi) = http::router(state.clone());
    let timer_state = state.clone();
    let timers = platform::periodic(TIMER_INTERVAL, move || {
        let state = timer_state.clone();
        async move { run_timers(&state).await }
    });
    Ok(Support {
        service: Service {
            name: "support",
            router,
            openapi,
            readiness: vec![
                ReadinessCheck::database("support-database", database),
                events.readiness(),
            ],
            tasks: std::iter::once(timers)
                .chain(events.tasks_verifying(events::handlers(&state), &state.verifier))
                .collect(),
        },
        state,
    })
}

/// One round of the timers: breaches recorded, resolved incidents closed, old keys pruned.
pub async fn run_timers(state: &State) {
    if let Err(error) = app::timers::sweep_sla(state).await {
        tracing::warn!(%error, "SLA sweep failed");
    }
    if let Err(error) = app::timers::close_resolved(state).await {
        tracing::warn!(%error, "closing resolved incidents failed");
    }
    if let Err(error) = platform::idempotency::prune(&state.database).await {
        tracing::warn!(%error, "pruning idempotency keys failed");
    }
}

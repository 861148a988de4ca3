//! The identity service: users, credentials, sessions, tokens and roles, under `/api/identity`.
//!
//! It owns who may do what: it registers customers, checks passwords (argon2id, behind a
//! bounded queue), opens sessions, signs access tokens with an Ed25519 key and publishes the
//! public key as a JWKS so that every service verifies tokens locally.
//!
//! Layout (the shape every domain crate follows):
//! - [`domain`]: emails, names, passwords, brute-force rules; pure and unit-tested.
//! - [`app`]: what the routes do, in terms of the domain and the store (accounts, sessions,
//!   service tokens, the first administrator), and the password hashing queue and signing keys.
//! - [`store`]: all SQL.
//! - `http`: one file per resource; handlers only extract, call and respond; `http/error.rs`
//!   maps [`error::Error`] to problem documents.
//! - `migrations/`: the schema, one set for both backends.
//!
//! Events: it publishes `user.registered`, `user.role_changed` and `user.deleted`
//! (`contracts::events::identity`), each in the transaction of its change; it consumes none.

pub mod app;
pub mod config;
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
use platform::events::{Bus, Events, Handlers};
use platform::http::ReadinessCheck;

pub use app::admin::GeneratedAdmin;
pub use config::{Config, FirstAdmin, TokenConfig};
pub use http::PREFIX;

/// The schema: one set for both backends.
pub static MIGRATIONS: Migrations = Migrations::shared(sqlx::migrate!("./migrations"));

/// How often expired sessions, tokens and throttle rows are deleted.
const PRUNE_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// What the routes share.
pub struct Inner {
    /// The identity database.
    pub database: Database,
    /// Password hashing.
    pub hasher: app::hashing::PasswordHasher,
    /// Token signing.
    pub signer: app::keys::TokenSigner,
    /// Token verification (with session revocation).
    pub verifier: Arc<TokenVerifier>,
    /// Token settings.
    pub tokens: TokenConfig,
    /// What identity tells the other services.
    pub events: Events,
    /// The secret of service tokens, when configured.
    pub service_secret: Option<platform::config::SecretString>,
    /// Brute-force limits.
    pub throttle: domain::throttle::ThrottlePolicy,
}

/// The routes' state: cheap to clone.
pub type State = platform::State<Inner>;

impl platform::state::Verifies for Inner {
    fn verifier(&self) -> &Arc<TokenVerifier> {
        &self.verifier
    }
}

/// The built identity service and what the rest of the process needs from it.
pub struct Identity {
    /// The service, to compose into an app.
    pub service: Service,
    /// A verifier for identity's tokens that checks session revocation: in embedded mode every
    /// service uses it.
    pub verifier: Arc<TokenVerifier>,
    /// Credentials of an administrator generated on this start, to show once.
    pub generated_admin: Option<GeneratedAdmin>,
}

/// Connects, migrates, loads the signing key, makes the first administrator if needed, and
/// builds the routes and the event relay on `bus`.
pub async fn build(config: Config, bus: &Bus) -> anyhow::Result<Identity> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let events = Events::new("identity", database.clone(), bus);
    let hasher = app::hashing::PasswordHasher::new(&config.hashing).await?;
    let signer = app::keys::TokenSigner::load(
        &config.key_file,
        &config.tokens.issuer,
        &config.tokens.audience,
        config.tokens.access_ttl,
    )?;
    let verifier = Arc::new(
        TokenVerifier::from_jwks(
            signer.jwks(),
            &config.tokens.issuer,
            &config.tokens.audience,
        )
        .with_revocation(Arc::new(app::sessions::SessionRevocationCheck(
            database.clone(),
        )))
        .with_max_lifetime(config.tokens.access_ttl),
    );
    let generated_admin =
        app::admin::ensure_first_admin(&database, &events, &hasher, &config.first_admin).await?;
    let state = State::new(Inner {
        database: database.clone(),
        hasher,
        signer,
        verifier: verifier.clone(),
        tokens: config.tokens,
        throttle: config.throttle.clone(),
        events: events.clone(),
        service_secret: config.service_secret,
    });
    let (router, openapi) = http::router(state);
    let prune = {
        let database = database.clone();
        let window = config.throttle.window;
        platform::periodic(PRUNE_INTERVAL, move || {
            let database = database.clone();
            async move {
                match store::prune_expired(database.writer(), window).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "pruned expired sessions"),
                    Err(error) => tracing::warn!(%error, "pruning failed"),
                }
            }
        })
    };
    Ok(Identity {
        service: Service {
            name: "identity",
            router,
            openapi,
            readiness: vec![
                ReadinessCheck::database("identity-database", database),
                events.readiness(),
            ],
            tasks: std::iter::once(prune)
                .chain(events.tasks(Handlers::new()))
                .collect(),
        },
        verifier,
        generated_admin,
    })
}

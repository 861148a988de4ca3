//! The website: the storefront and the customer's own pages, rendered on the server (askama
//! templates compiled in), served at `/` beside the API. It is a client of the services like
//! any other ([`clients`]): it never reads their tables, and the browser never holds an API
//! token.
//!
//! Layout: [`pages`] (one file per page group: catalog, cart, checkout, account, orders,
//! support) with `templates/` mirroring it; [`layout`] (the frame of every page and the
//! request as a page sees it); [`session`] (server-side sessions in the site's own database,
//! [`store`]); [`csrf`]; [`i18n`] (English and Spanish, `locales/*.ftl`); [`error`] (the error
//! pages); `static/` (CSS, the icon) compiled in; [`headers`] (CSP and the other security
//! headers). Everything works without JavaScript.

pub mod clients;
pub mod config;
pub mod csrf;
pub mod error;
pub mod headers;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod session;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use platform::Service;
use platform::db::{Database, Migrations};
use platform::http::ReadinessCheck;

pub use clients::Clients;
pub use config::Config;

/// The website's schema: its key and its sessions.
pub static MIGRATIONS: Migrations = Migrations::shared(sqlx::migrate!("./migrations"));

/// How often ended sessions are deleted.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// What the pages share.
#[derive(Debug)]
pub struct Inner {
    /// The services the site calls.
    pub clients: Clients,
    /// Sessions: their database and cookie settings.
    pub sessions: session::Sessions,
    /// Whether the shop runs on demo data (the checkout lists the test cards).
    pub demo: bool,
    /// The currency the shop sells in.
    pub currency: String,
}

/// The pages' state: cheap to clone.
pub type State = platform::State<Inner>;

/// The built website.
pub type Web = platform::Built<State>;

/// Connects to the site's database, migrates it, and builds the pages over `clients`.
pub async fn build(config: Config, clients: Clients) -> anyhow::Result<Web> {
    let database = Database::connect(&config.database).await?;
    database.migrate(&MIGRATIONS).await?;
    let csrf_key = store::key(&database, "csrf", &random_key()).await?;
    let state = State::new(Inner {
        clients,
        sessions: session::Sessions {
            database: database.clone(),
            csrf_key: Arc::new(csrf_key.into_bytes()),
            secure_cookie: config.secure_cookies,
        },
        demo: config.demo,
        currency: config.currency,
    });
    let prune_database = database.clone();
    let prune = platform::periodic(PRUNE_INTERVAL, move || {
        let database = prune_database.clone();
        async move {
            match store::prune_sessions(&database, platform::time::now()).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "ended web sessions deleted"),
                Err(error) => tracing::warn!(%error, "deleting ended web sessions failed"),
            }
        }
    });
    Ok(Web {
        service: Service {
            name: "web",
            router: router(state.clone()),
            openapi: utoipa::openapi::OpenApiBuilder::new().build(),
            readiness: vec![ReadinessCheck::database("web-database", database)],
            tasks: vec![prune],
        },
        state,
    })
}

/// Every page, with the session, the error pages and the security headers around them, and the
/// static files (no session) beside them.
pub fn router(state: State) -> Router {
    let pages = pages::router()
        .fallback(|| async { error::PageError::NotFound })
        .layer(axum::middleware::from_fn(error::render_error_pages))
        .layer(axum::middleware::from_fn_with_state(
            state.sessions.clone(),
            session::load_session,
        ))
        .with_state(state);
    pages
        .merge(headers::static_files())
        .layer(axum::middleware::from_fn(headers::security_headers))
}

fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

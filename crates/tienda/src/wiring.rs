//! What both modes build alike: database configs, identity's config and first administrator,
//! the event bus and its topology, the orders service's catalog client.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use platform::client::{ServiceClient, ServiceTokens};
use platform::config::{ExposeSecret, SecretString};
use platform::db::DatabaseConfig;
use platform::events::amqp::{AmqpConfig, AmqpTransport};
use platform::events::{Bus, EventMetrics, HeldTransport, Transport};
use platform::http::HttpMetrics;

use crate::Settings;

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

pub(crate) fn database_config(settings: &Settings, url: impl Into<String>) -> DatabaseConfig {
    DatabaseConfig {
        max_connections: settings.db_max_connections,
        ..DatabaseConfig::from_url(url)
    }
}

pub(crate) fn embedded_database(settings: &Settings, service: &str) -> DatabaseConfig {
    database_config(
        settings,
        DatabaseConfig::sqlite_file(&settings.data_dir.join(format!("{service}.db")))
            .url
            .expose_secret(),
    )
}

pub(crate) fn identity_config(
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

pub(crate) fn create_data_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the data dir {}", path.display()))
}

/// Every consuming service and the event types it takes: the queues a broker must hold, so that
/// events published before a consumer first starts wait for it.
pub fn event_topology() -> Vec<(String, Vec<String>)> {
    use contracts::events::Event;
    // Every service that verifies tokens itself also takes `session.revoked`.
    let revoked = contracts::events::identity::SessionsRevoked::TYPE;
    let queue = |service: &str, types: &[&str]| {
        (
            service.to_owned(),
            types
                .iter()
                .copied()
                .chain([revoked])
                .map(str::to_owned)
                .collect(),
        )
    };
    vec![
        queue("customers", &customers::events::CONSUMES),
        queue("catalog", &[]),
        queue("orders", &[]),
        queue("support", &support::events::CONSUMES),
    ]
}

/// The event bus of this process: in memory when every service is here; RabbitMQ when
/// `TIENDA_AMQP_URL` names one; otherwise events wait in the outbox.
pub(crate) fn event_bus(
    settings: &Settings,
    metrics: &HttpMetrics,
    embedded: bool,
) -> anyhow::Result<Bus> {
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

/// The orders service's view of the catalog, with service tokens from identity.
pub(crate) fn orders_catalog(
    catalog: ServiceClient,
    identity: ServiceClient,
    secret: SecretString,
) -> orders::CatalogClient {
    orders::CatalogClient::new(
        catalog,
        Arc::new(ServiceTokens::new(identity, "orders", secret)),
    )
}

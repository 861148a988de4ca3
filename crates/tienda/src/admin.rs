//! Maintenance commands: bring schemas up to date, list and replay dead letters; on the named
//! service's database, or on every embedded one.

use platform::config::ExposeSecret;
use platform::db::{DatabaseConfig, Migrations};
use platform::events::DeadLetter;

use crate::distributed::required_database_url;
use crate::wiring::{create_data_dir, database_config, embedded_database};
use crate::{ServiceName, Settings};

/// The databases a maintenance command works on: the named service's `TIENDA_DATABASE_URL`, or
/// every embedded database in the data dir.
fn service_databases(
    settings: &Settings,
    service: Option<ServiceName>,
) -> anyhow::Result<Vec<(&'static str, DatabaseConfig, &'static Migrations)>> {
    let every: [(ServiceName, &'static str, &'static Migrations); 6] = [
        (ServiceName::Identity, "identity", &identity::MIGRATIONS),
        (ServiceName::Customers, "customers", &customers::MIGRATIONS),
        (ServiceName::Catalog, "catalog", &catalog::MIGRATIONS),
        (ServiceName::Support, "support", &support::MIGRATIONS),
        (ServiceName::Orders, "orders", &orders::MIGRATIONS),
        (ServiceName::Web, "web", &web::MIGRATIONS),
    ];
    Ok(match service {
        Some(wanted) => {
            let url = required_database_url(settings)?.expose_secret();
            every
                .iter()
                .filter(|(name, ..)| *name == wanted)
                .map(|(_, name, migrations)| (*name, database_config(settings, url), *migrations))
                .collect()
        }
        None => {
            create_data_dir(&settings.data_dir)?;
            every
                .iter()
                .map(|(_, name, migrations)| {
                    (*name, embedded_database(settings, name), *migrations)
                })
                .collect()
        }
    })
}

/// Opens a service's database with its schema brought up to date.
async fn open_migrated(
    config: &DatabaseConfig,
    migrations: &Migrations,
) -> anyhow::Result<platform::db::Database> {
    let database = platform::db::Database::connect(config).await?;
    database.migrate(migrations).await?;
    Ok(database)
}

/// Brings a schema up to date: the named service's `TIENDA_DATABASE_URL`, or every embedded
/// database in the data dir.
pub async fn migrate(settings: &Settings, service: Option<ServiceName>) -> anyhow::Result<()> {
    for (name, config, migrations) in service_databases(settings, service)? {
        open_migrated(&config, migrations).await?.close().await;
        tracing::info!(service = name, "schema is up to date");
    }
    Ok(())
}

/// The dead letters of the named service (`TIENDA_DATABASE_URL`) or of every embedded service,
/// as (service, dead letter).
pub async fn dead_letters(
    settings: &Settings,
    service: Option<ServiceName>,
) -> anyhow::Result<Vec<(&'static str, DeadLetter)>> {
    let mut found = Vec::new();
    for (name, config, migrations) in service_databases(settings, service)? {
        let database = open_migrated(&config, migrations).await?;
        let letters = platform::events::dead_letters(database.pool()).await?;
        database.close().await;
        found.extend(letters.into_iter().map(|letter| (name, letter)));
    }
    Ok(found)
}

/// Sends the dead letter `id` back to its handler; answers the service that held it, or `None`
/// when no database holds a dead letter with that id.
pub async fn replay(
    settings: &Settings,
    service: Option<ServiceName>,
    id: uuid::Uuid,
) -> anyhow::Result<Option<&'static str>> {
    for (name, config, migrations) in service_databases(settings, service)? {
        let database = open_migrated(&config, migrations).await?;
        let replayed = platform::events::replay(database.writer(), id).await?;
        database.close().await;
        if replayed {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

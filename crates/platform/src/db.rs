//! One database layer for both ways Tienda runs: SQLite embedded, PostgreSQL distributed.
//!
//! Services write their SQL once, against sqlx's `Any` driver, in the common subset of the two
//! dialects: `$1` placeholders, `RETURNING`, `ON CONFLICT`, TEXT ids (UUIDv7) and TEXT times
//! (RFC 3339, fixed width, so they sort and compare as text). A service's DDL is in that common
//! subset too, one `migrations/` folder, but for what must differ by backend (a text index, an
//! auto-increment key): see [`Migrations`]. `docs/adr/0002-database-layer.md` records why.
//!
//! SQLite is opened in WAL mode with `synchronous=FULL` (a commit is on disk before a 2xx is
//! sent), foreign keys on and a busy timeout. One process owns each SQLite file, and its writes
//! queue in that process: they go through a pool of one connection ([`Database::writer`],
//! [`Database::begin`]), whose waiters are served first come first served, instead of spinning
//! on SQLite's busy timeout with back-off (which made the write tail a hundred times the
//! median). Reads use the other connections and never wait for a writer (WAL). Write
//! transactions begin with `BEGIN IMMEDIATE`, so that another process on the same file (a
//! backup, the command line) makes them wait rather than fail to upgrade.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};

/// Which database engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a connection URL names.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("unsupported database URL: use sqlite://PATH or postgres://...")
        }
    }
}

/// How to reach a service's database.
#[derive(Clone, Deserialize)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/NAME`. A secret: it may hold a
    /// password.
    pub url: SecretString,
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long a query waits for a free connection before the request fails with 503.
    pub acquire_timeout: Duration,
}

impl DatabaseConfig {
    /// A config for the SQLite file at `path`, created if missing.
    pub fn sqlite_file(path: &Path) -> Self {
        Self::from_url(format!("sqlite://{}?mode=rwc", path.display()))
    }

    /// A config for a database URL, with default pool settings.
    pub fn from_url(url: impl Into<String>) -> Self {
        Self {
            url: SecretString::from(url.into()),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &"[redacted]")
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish()
    }
}

/// A service's migrations, embedded with `sqlx::migrate!`: the DDL both backends share, and
/// the little that must differ, applied after it.
pub struct Migrations {
    /// DDL in the dialects' common subset (`TEXT`, `BIGINT`, `CHECK`, partial indexes): most of
    /// it, in the service's `migrations/`.
    pub shared: Migrator,
    /// DDL for SQLite only (`migrations/sqlite/`); empty for most services.
    pub sqlite: Migrator,
    /// DDL for PostgreSQL only (`migrations/postgres/`); empty for most services.
    pub postgres: Migrator,
}

impl Migrations {
    /// No tables: for a database that holds only the platform's own (tests, benchmarks).
    pub const NONE: Migrations = Migrations::shared(Migrator::DEFAULT);

    /// Migrations that are all shared.
    pub const fn shared(shared: Migrator) -> Self {
        Self {
            shared,
            sqlite: Migrator::DEFAULT,
            postgres: Migrator::DEFAULT,
        }
    }

    /// The sets to run on `backend`, in order.
    fn for_backend(&self, backend: Backend) -> [&Migrator; 2] {
        match backend {
            Backend::Sqlite => [&self.shared, &self.sqlite],
            Backend::Postgres => [&self.shared, &self.postgres],
        }
    }
}

/// The platform's tables, in every service's database. Per backend: the outbox's sequence is
/// an auto-increment key, spelled differently by each dialect.
static PLATFORM_MIGRATIONS: Migrations = Migrations {
    shared: Migrator::DEFAULT,
    sqlite: sqlx::migrate!("migrations/sqlite"),
    postgres: sqlx::migrate!("migrations/postgres"),
};

/// A connection pool to one service's database.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    /// Where writes go: on SQLite a pool of one connection, so writers queue in process; on
    /// PostgreSQL the same pool as reads.
    writer: AnyPool,
    backend: Backend,
}

impl Database {
    /// Opens a pool (two on SQLite: one connection for writes and the rest for reads). SQLite
    /// files are created if missing and configured for durability.
    pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let url = config.url.expose_secret();
        let backend = Backend::from_url(url)?;
        let options = AnyConnectOptions::from_str(url).context("invalid database URL")?;
        let pool = open_pool(backend, &options, config, config.max_connections).await?;
        let writer = match backend {
            Backend::Postgres => pool.clone(),
            // The writer's queue is fair (sqlx serves waiters in order); a request that waits
            // longer than the acquire timeout gets 503, which is back-pressure, not a lost write.
            Backend::Sqlite => open_pool(backend, &options, config, 1).await?,
        };
        Ok(Self {
            pool,
            writer,
            backend,
        })
    }

    /// Brings the schema up to date: the service's shared migrations, then its migrations for
    /// this backend, then the platform's own tables (the event outbox and inbox), which every
    /// service database holds.
    ///
    /// The sets share sqlx's one migrations table, told apart by version (a service numbers its
    /// backend-specific ones after the shared ones it builds on; the platform's are 900001 and
    /// up), so each run ignores the versions the other sets applied.
    pub async fn migrate(&self, migrations: &Migrations) -> anyhow::Result<()> {
        let sets = migrations
            .for_backend(self.backend)
            .into_iter()
            .chain(PLATFORM_MIGRATIONS.for_backend(self.backend));
        for migrator in sets {
            let migrator = Migrator {
                migrations: migrator.migrations.clone(),
                ignore_missing: true,
                ..Migrator::DEFAULT
            };
            migrator
                .run(&self.writer)
                .await
                .context("database migration failed")?;
        }
        Ok(())
    }

    /// The pool for reads. On SQLite a write through it would wait on the file's lock instead
    /// of in the writers' queue: write through [`Database::writer`] or [`Database::begin`].
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool for single-statement writes (on SQLite, the writers' queue).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. On SQLite it waits its turn in the writers' queue
    /// and takes the write lock up front. Never call it, nor write through
    /// [`Database::writer`], while holding another write transaction of the same database: on
    /// SQLite that waits for itself.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Answers whether the database takes a query now (for `/health/ready`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Closes every connection; waits for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// A pool of at most `max_connections`; SQLite connections are set up for durability as they
/// open.
async fn open_pool(
    backend: Backend,
    options: &AnyConnectOptions,
    config: &DatabaseConfig,
    max_connections: u32,
) -> anyhow::Result<AnyPool> {
    let mut pool_options = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(config.acquire_timeout);
    if backend == Backend::Sqlite {
        pool_options = pool_options.after_connect(|connection, _meta| {
            Box::pin(async move {
                // journal_mode is persistent in the file; the others are per connection.
                connection
                    .execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                Ok(())
            })
        });
    }
    pool_options
        .connect_with(options.clone())
        .await
        .context("cannot connect to the database")
}

/// Escapes `%`, `_` and `\` so that user text matches itself in `LIKE ... ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Parses an id as stored (UUID text); a bad one is corruption, reported with the value.
pub fn parse_stored_uuid(text: &str) -> anyhow::Result<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|error| anyhow::anyhow!("bad stored id `{text}`: {error}"))
}

/// A constraint the schema declares, as a failed write reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// A unique key: the row is a duplicate.
    Unique,
    /// A foreign key: the row points at nothing, or a row still points at it.
    ForeignKey,
    /// A `CHECK`: a value out of its range (a stock below zero).
    Check,
}

/// The constraint `error` reports broken, if it is one.
pub fn broken_constraint(error: &sqlx::Error) -> Option<Constraint> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    if db.is_unique_violation() {
        Some(Constraint::Unique)
    } else if db.is_foreign_key_violation() {
        Some(Constraint::ForeignKey)
    } else if db.is_check_violation() {
        Some(Constraint::Check)
    } else {
        None
    }
}

/// The one translation of a failed write into a store's error: `translate` names the error a
/// broken constraint means for this statement (`None` for one it does not expect); every other
/// failure stays a database error.
pub fn on_constraint<E: From<sqlx::Error>>(
    error: sqlx::Error,
    translate: impl FnOnce(Constraint) -> Option<E>,
) -> E {
    match broken_constraint(&error).and_then(translate) {
        Some(translated) => translated,
        None => E::from(error),
    }
}

/// True when the error means the database could not be reached, rather than that the query was
/// wrong: such requests get 503, not 500.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn like_wildcards_in_user_text_are_literal() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }

    #[test]
    fn a_database_config_never_prints_its_url() {
        let config = DatabaseConfig::from_url("postgres://user:hunter2@db/tienda");
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}

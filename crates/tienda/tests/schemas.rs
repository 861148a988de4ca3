//! Every service's migrations leave SQLite and PostgreSQL with the same tables and columns, so
//! the one set of SQL in its store runs on both. Most services share one migration folder; the
//! catalog and the platform keep one per backend, and this is what holds them together.

use std::collections::BTreeSet;

use platform::db::{Backend, Database, Migrations};
use platform::testing::TestDatabase;
use sqlx::Row;

/// `table.column` for every column of the service's tables (sqlx's own bookkeeping aside).
async fn columns(database: &Database) -> BTreeSet<String> {
    let query = match database.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS table_name, c.name AS column_name \
             FROM sqlite_master AS m, pragma_table_info(m.name) AS c \
             WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
        }
        Backend::Postgres => {
            "SELECT table_name::TEXT AS table_name, column_name::TEXT AS column_name \
             FROM information_schema.columns WHERE table_schema = 'public'"
        }
    };
    let rows = sqlx::query(query)
        .fetch_all(database.pool())
        .await
        .unwrap_or_else(|error| panic!("cannot list columns: {error}"));
    rows.iter()
        .map(|row| {
            let table: String = row.get("table_name");
            let column: String = row.get("column_name");
            format!("{table}.{column}")
        })
        .filter(|name| !name.starts_with("_sqlx_migrations.") && !name.starts_with("sqlite_"))
        // The text index is a column on PostgreSQL and a virtual table (with its shadow
        // tables) on SQLite: the one place the schemas differ by design.
        .filter(|name| name != "products.search" && !name.starts_with("products_text"))
        .collect()
}

async fn migrated(backend: Backend, migrations: &Migrations) -> (TestDatabase, BTreeSet<String>) {
    let test_database = TestDatabase::new(backend).await;
    let database = Database::connect(&test_database.config)
        .await
        .unwrap_or_else(|error| panic!("cannot connect: {error:#}"));
    database
        .migrate(migrations)
        .await
        .unwrap_or_else(|error| panic!("{backend:?} migrations failed: {error:#}"));
    let columns = columns(&database).await;
    database.close().await;
    (test_database, columns)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: set TIENDA_TEST_DATABASE_URL and pass --include-ignored"]
async fn every_service_has_the_same_tables_and_columns_on_sqlite_and_postgresql() {
    for (service, migrations) in [
        ("identity", &identity::MIGRATIONS),
        ("customers", &customers::MIGRATIONS),
        ("catalog", &catalog::MIGRATIONS),
        ("orders", &orders::MIGRATIONS),
        ("support", &support::MIGRATIONS),
    ] {
        let (_sqlite_db, sqlite) = migrated(Backend::Sqlite, migrations).await;
        let (_postgres_db, postgres) = migrated(Backend::Postgres, migrations).await;
        assert!(
            sqlite.iter().any(|name| name.starts_with("event_outbox.")),
            "{service}: the platform's tables are missing"
        );
        assert_eq!(
            sqlite.symmetric_difference(&postgres).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "{service}: columns on one backend only"
        );
    }
}

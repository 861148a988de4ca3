//! Writes on SQLite queue in the process that owns the file: first come, first served, while
//! reads go on beside them.

use platform::db::{Backend, Database, Migrations};
use platform::testing::TestDatabase;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn database() -> Result<(TestDatabase, Database)> {
    let test_database = TestDatabase::new(Backend::Sqlite).await;
    let database = Database::connect(&test_database.config).await?;
    database.migrate(&Migrations::NONE).await?;
    sqlx::query("CREATE TABLE served (n BIGINT NOT NULL)")
        .execute(database.writer())
        .await?;
    Ok((test_database, database))
}

/// Lets every other task of this (single-threaded) test runtime run until it waits.
async fn let_others_run() {
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
}

/// Writes `n`: the even ones in a transaction, the odd ones as a single statement through the
/// writer, so that both kinds share the one queue.
async fn write(database: Database, n: i64) -> std::result::Result<(), sqlx::Error> {
    let insert = "INSERT INTO served (n) VALUES ($1)";
    if n % 2 == 0 {
        let mut transaction = database.begin().await?;
        sqlx::query(insert)
            .bind(n)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    } else {
        sqlx::query(insert)
            .bind(n)
            .execute(database.writer())
            .await
            .map(|_| ())
    }
}

#[tokio::test]
async fn sqlite_writes_are_served_in_the_order_they_asked_transactions_and_statements_alike()
-> Result {
    let (_test_database, database) = database().await?;
    let held = database.begin().await?;
    let mut writers = Vec::new();
    for n in 0..16_i64 {
        writers.push(tokio::spawn(write(database.clone(), n)));
        // The writer asks now, before the next one is made.
        let_others_run().await;
    }

    // Reads do not wait for the writers: the table is read while all of them queue.
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM served")
        .fetch_one(database.pool())
        .await?;
    assert_eq!(seen, 0);

    held.commit().await?;
    for writer in writers {
        writer.await??;
    }
    let order: Vec<i64> = sqlx::query_scalar("SELECT n FROM served ORDER BY rowid")
        .fetch_all(database.pool())
        .await?;
    assert_eq!(order, (0..16).collect::<Vec<_>>());
    Ok(())
}

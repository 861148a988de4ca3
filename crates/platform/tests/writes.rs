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

#[tokio::test]
async fn sqlite_write_transactions_are_served_in_the_order_they_asked() -> Result {
    let (_test_database, database) = database().await?;
    let held = database.begin().await?;
    let mut writers = Vec::new();
    for n in 0..16_i64 {
        let database = database.clone();
        writers.push(tokio::spawn(async move {
            let mut transaction = database.begin().await?;
            sqlx::query("INSERT INTO served (n) VALUES ($1)")
                .bind(n)
                .execute(&mut *transaction)
                .await?;
            transaction.commit().await
        }));
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

#[tokio::test]
async fn a_single_statement_write_waits_its_turn_behind_a_transaction() -> Result {
    let (_test_database, database) = database().await?;
    let mut held = database.begin().await?;
    sqlx::query("INSERT INTO served (n) VALUES (1)")
        .execute(&mut *held)
        .await?;
    let writer = database.clone();
    let second = tokio::spawn(async move {
        sqlx::query("INSERT INTO served (n) VALUES (2)")
            .execute(writer.writer())
            .await
    });
    let_others_run().await;
    held.commit().await?;
    second.await??;
    let order: Vec<i64> = sqlx::query_scalar("SELECT n FROM served ORDER BY rowid")
        .fetch_all(database.pool())
        .await?;
    assert_eq!(order, vec![1, 2]);
    Ok(())
}

//! The `agents` table: support's view of identity users with role `agent`.

use platform::db::Backend;
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, uuid};

/// An agent as support knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The identity user id.
    pub user_id: Uuid,
    /// The name shown to customers and colleagues.
    pub display_name: String,
    /// Whether automatic assignment may pick this agent.
    pub available: bool,
    /// The agent's place in the round-robin order (lower goes first).
    pub assigned_turn: i64,
    /// First seen.
    pub created_at: OffsetDateTime,
}

const COLUMNS: &str = "user_id, display_name, available, assigned_turn, created_at";

fn from_row(row: &AnyRow) -> Result<Agent, StoreError> {
    Ok(Agent {
        user_id: uuid(&row.try_get::<String, _>("user_id")?)?,
        display_name: row.try_get("display_name")?,
        available: row.try_get::<i64, _>("available")? == 1,
        assigned_turn: row.try_get("assigned_turn")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
    })
}

/// Makes an agent known (available) if it is not yet; keeps an existing one as it is.
pub async fn ensure_agent(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
    display_name: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO agents (user_id, display_name, available, assigned_turn, created_at, updated_at) \
         VALUES ($1, $2, 1, 0, $3, $3) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id.to_string())
    .bind(display_name)
    .bind(to_db(now))
    .execute(executor)
    .await?;
    Ok(())
}

/// One agent.
pub async fn find_agent(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
) -> Result<Option<Agent>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM agents WHERE user_id = $1"))
        .bind(user_id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every agent, by name.
pub async fn list_agents(
    executor: impl Executor<'_, Database = Any>,
) -> Result<Vec<Agent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM agents ORDER BY display_name, user_id"
    ))
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Changes an agent's name or availability.
pub async fn update_agent(
    executor: impl Executor<'_, Database = Any>,
    agent: &Agent,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE agents SET display_name = $1, available = $2, updated_at = $3 WHERE user_id = $4",
    )
    .bind(&agent.display_name)
    .bind(i64::from(agent.available))
    .bind(to_db(now))
    .bind(agent.user_id.to_string())
    .execute(executor)
    .await?;
    Ok(())
}

/// Serialises automatic assignment, so concurrent new incidents do not pick the same agent from
/// the same snapshot: PostgreSQL locks the agents' rows; SQLite's `BEGIN IMMEDIATE` already
/// serialises writers.
pub async fn lock_agents(
    transaction: &mut sqlx::Transaction<'static, Any>,
    backend: Backend,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT user_id FROM agents FOR UPDATE")
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// Active (not resolved, closed or merged) incidents assigned to each available agent.
pub async fn open_counts(
    executor: impl Executor<'_, Database = Any>,
) -> Result<Vec<(Uuid, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.user_id, COUNT(i.id) AS open_count FROM agents a \
         LEFT JOIN incidents i ON i.assignee_id = a.user_id \
           AND i.status IN ('new', 'open', 'pending', 'on_hold') \
         WHERE a.available = 1 GROUP BY a.user_id",
    )
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                uuid(&row.try_get::<String, _>("user_id")?)?,
                row.try_get::<i64, _>("open_count")?,
            ))
        })
        .collect()
}

/// Gives an agent that was just assigned an incident the last turn.
pub async fn touch_assigned(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE agents SET assigned_turn = (SELECT COALESCE(MAX(assigned_turn), 0) + 1 FROM agents) \
         WHERE user_id = $1",
    )
    .bind(user_id.to_string())
        .execute(executor)
        .await?;
    Ok(())
}

/// The available agent whose turn it is, for round robin.
pub async fn next_round_robin(
    executor: impl Executor<'_, Database = Any>,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM agents WHERE available = 1 \
         ORDER BY assigned_turn, created_at, user_id LIMIT 1",
    )
    .fetch_optional(executor)
    .await?;
    Ok(id.as_deref().map(uuid).transpose()?)
}

/// Makes an agent available or not for automatic assignment; false when support does not know
/// the agent.
pub async fn set_agent_available(
    executor: impl Executor<'_, Database = Any>,
    user_id: Uuid,
    available: bool,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE agents SET available = $1, updated_at = $2 WHERE user_id = $3")
        .bind(i64::from(available))
        .bind(to_db(now))
        .bind(user_id.to_string())
        .execute(executor)
        .await?;
    Ok(done.rows_affected() > 0)
}

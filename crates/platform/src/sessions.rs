//! The sessions identity has ended, as a service in its own process learns of them: each
//! `session.revoked` event is written to the `revoked_sessions` table in the inbox's
//! transaction (so once), every replica reloads the table into memory four times a second, and
//! the token verifier asks the memory, never the database. A logout thus reaches every replica
//! of every service about a second after identity commits it, and a restart forgets nothing.
//! Rows go once no token of theirs can still be alive.
//!
//! In the embedded mode the services share identity's verifier, which asks identity's own
//! sessions table, and this list is not used.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use contracts::events::identity::SessionsRevoked;
use futures::future::BoxFuture;
use uuid::Uuid;

use crate::app::{BackgroundTask, periodic};
use crate::auth::SessionRevocation;
use crate::db::Database;
use crate::events::Handlers;
use crate::time::{now, to_db};

/// How often every replica reloads the list.
const REFRESH_EVERY: Duration = Duration::from_millis(250);

/// How often rows no token can need any more are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// The revoked sessions this process knows of.
pub struct RevokedSessions {
    ids: RwLock<HashSet<Uuid>>,
    keep_for: Duration,
}

impl RevokedSessions {
    /// An empty list whose entries are kept for `keep_for`: the longest life of an access token.
    pub fn new(keep_for: Duration) -> Arc<Self> {
        Arc::new(Self {
            ids: RwLock::new(HashSet::new()),
            keep_for,
        })
    }

    /// `handlers` with the handler of `session.revoked`, which records the sessions.
    pub fn handle(&self, handlers: Handlers) -> Handlers {
        handlers.on::<SessionsRevoked, _>(|event, transaction| {
            Box::pin(async move {
                let at = to_db(now());
                for session in &event.session_ids {
                    sqlx::query(
                        "INSERT INTO revoked_sessions (session_id, revoked_at) VALUES ($1, $2) \
                         ON CONFLICT (session_id) DO NOTHING",
                    )
                    .bind(session.to_string())
                    .bind(&at)
                    .execute(&mut **transaction)
                    .await?;
                }
                tracing::info!(user = %event.user_id, sessions = event.session_ids.len(), reason = %event.reason, "sessions revoked");
                Ok(())
            })
        })
    }

    /// Loads the list from `database` now.
    pub async fn refresh(&self, database: &Database) -> Result<(), sqlx::Error> {
        let since = now() - self.keep_for;
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT session_id FROM revoked_sessions WHERE revoked_at > $1")
                .bind(to_db(since))
                .fetch_all(database.pool())
                .await?;
        let ids: HashSet<Uuid> = rows
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        *self.ids.write().unwrap_or_else(PoisonError::into_inner) = ids;
        Ok(())
    }

    /// The work beside the server: reloading the list, and pruning the table.
    pub fn tasks(self: &Arc<Self>, database: &Database) -> Vec<BackgroundTask> {
        let list = self.clone();
        let reading = database.clone();
        let refresh = periodic(REFRESH_EVERY, move || {
            let list = list.clone();
            let database = reading.clone();
            async move {
                if let Err(error) = list.refresh(&database).await {
                    tracing::warn!(%error, "cannot reload the revoked sessions");
                }
            }
        });
        let keep_for = self.keep_for;
        let pruning = database.clone();
        let prune = periodic(PRUNE_EVERY, move || {
            let database = pruning.clone();
            async move {
                let before = to_db(now() - keep_for);
                let pruned = sqlx::query("DELETE FROM revoked_sessions WHERE revoked_at <= $1")
                    .bind(before)
                    .execute(database.writer())
                    .await;
                if let Err(error) = pruned {
                    tracing::warn!(%error, "cannot prune the revoked sessions");
                }
            }
        });
        vec![refresh, prune]
    }
}

impl SessionRevocation for RevokedSessions {
    fn is_revoked(&self, session_id: Uuid) -> BoxFuture<'_, anyhow::Result<bool>> {
        let revoked = self
            .ids
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&session_id);
        Box::pin(async move { Ok(revoked) })
    }
}

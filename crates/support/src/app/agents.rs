//! Agents as support knows them: identity users with role `agent`, with a display name and an
//! availability that automatic assignment respects.

use contracts::auth::Role;
use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::incidents::note_agent;
use crate::error::Error;
use crate::store::{self, Agent};

/// A change to an agent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentChange {
    /// The name shown, 1 to 100 characters.
    pub display_name: Option<String>,
    /// Whether automatic assignment may pick the agent.
    pub available: Option<bool>,
}

/// Every agent (staff).
pub async fn list(state: &State, caller: &Caller) -> Result<Vec<Agent>, Error> {
    caller.require_staff()?;
    note_agent(state, caller).await?;
    Ok(store::list_agents(state.database.pool()).await?)
}

/// Changes an agent (administrators).
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    change: AgentChange,
) -> Result<Agent, Error> {
    if caller.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let mut agent = store::find_agent(state.database.pool(), id)
        .await?
        .ok_or(Error::NotFound)?;
    if let Some(name) = change.display_name {
        agent.display_name =
            clean_text("display_name", &name, 1, 100).map_err(|e| Error::Invalid(vec![e]))?;
    }
    if let Some(available) = change.available {
        agent.available = available;
    }
    store::update_agent(state.database.writer(), &agent, state.clock.now()).await?;
    Ok(agent)
}

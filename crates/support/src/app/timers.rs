//! What happens with time alone: resolved incidents close, and SLA breaches are recorded.

use crate::State;
use crate::app::incidents::{move_to, save};
use crate::app::views::{self, cache_sla};
use crate::domain::status::{Mover, Status};
use crate::error::Error;
use crate::store;

/// Closes every incident resolved longer ago than the configured time. Returns how many.
pub async fn close_resolved(state: &State) -> Result<usize, Error> {
    let cutoff = state.clock.now() - state.auto_close_after;
    let ids = store::resolved_before(state.database.pool(), cutoff).await?;
    let mut closed = 0;
    for id in ids {
        if let Some(incident) = store::find_incident(state.database.pool(), id).await? {
            match move_to(
                state,
                None,
                Mover::System,
                &incident,
                Status::Closed,
                Some("closed automatically".into()),
            )
            .await
            {
                Ok(_) => closed += 1,
                Err(Error::Conflict(_)) => {} // changed meanwhile (reopened): leave it
                Err(error) => return Err(error),
            }
        }
    }
    Ok(closed)
}

/// Recomputes the SLA cache of every active incident, recording each new breach once.
/// Returns how many incidents newly breached.
pub async fn sweep_sla(state: &State) -> Result<usize, Error> {
    let mut breaches = 0;
    for id in store::active_incident_ids(state.database.pool()).await? {
        let Some(current) = store::find_incident(state.database.pool(), id).await? else {
            continue;
        };
        let timeline = views::timeline(state.database.pool(), &current).await?;
        let mut next = current.clone();
        cache_sla(
            &mut next,
            &views::sla(state, &current, &timeline, state.clock.now()),
        );
        if next.next_due_at == current.next_due_at && next.breached == current.breached {
            continue;
        }
        match save(state, &current, next, Vec::new()).await {
            Ok(saved) => breaches += usize::from(saved.breached && !current.breached),
            Err(Error::Conflict(_)) => {} // changed meanwhile; that change refreshed it
            Err(error) => return Err(error),
        }
    }
    Ok(breaches)
}

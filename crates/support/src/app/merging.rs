//! Merging: an incident folded into another of the same customer. The conversation is copied
//! into the target (which carries on); the merged one stays, read-only, pointing to it.

use platform::auth::Caller;
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::app::incidents::{event, get, note_agent, publish_status_change, writable};
use crate::app::views::{self, cache_sla};
use crate::domain::status::Status;
use crate::error::Error;
use crate::store::{self, Event, Incident};

/// Folds incident `id` into `into` (staff): its conversation is copied into the target, and it
/// stays behind, merged, pointing to the target. Both must be the same customer's.
pub async fn merge(
    state: &State,
    caller: &Caller,
    id: Uuid,
    into: Uuid,
) -> Result<Incident, Error> {
    caller.require_staff()?;
    note_agent(state, caller).await?;
    let source = get(state, caller, id).await?;
    let target = get(state, caller, into)
        .await
        .map_err(|_| Error::invalid("into", "unknown", "no such incident"))?;
    if source.id == target.id {
        return Err(Error::invalid(
            "into",
            "invalid",
            "an incident cannot be merged into itself",
        ));
    }
    writable(&source)?;
    writable(&target)?;
    let same_customer = match (source.requester_user_id, target.requester_user_id) {
        (Some(a), Some(b)) => a == b,
        (None, None) => source.requester_email == target.requester_email,
        _ => false,
    };
    if !same_customer {
        return Err(Error::Conflict(
            "Only incidents of the same customer can be merged.".into(),
        ));
    }
    let now = state.clock.now();
    let comments: Vec<Event> = store::list_events(state.database.pool(), source.id, true)
        .await?
        .into_iter()
        .filter(|e| e.kind == "comment")
        .collect();
    let mut transaction = state.database.begin().await?;
    for comment in &comments {
        let copy = Event {
            id: Uuid::now_v7(),
            incident_id: target.id,
            data: json!({"merged_from": source.id}),
            ..comment.clone()
        };
        store::insert_event(&mut *transaction, &copy).await?;
    }
    let arrived = json!({"merged_from": source.id, "comments": comments.len()});
    store::insert_event(
        &mut *transaction,
        &event(target.id, Some(caller), "merged_from", arrived, now),
    )
    .await?;
    let moved = json!({"from": source.status.as_str(), "to": "merged", "into": target.id});
    store::insert_event(
        &mut *transaction,
        &event(source.id, Some(caller), "status", moved, now),
    )
    .await?;
    let mut next = Incident {
        status: Status::Merged,
        merged_into: Some(target.id),
        ..source.clone()
    };
    let timeline = views::timeline(&mut *transaction, &next).await?;
    let sla = views::sla(state, &next, &timeline, now);
    cache_sla(&mut next, &sla);
    let saved = store::update_incident(&mut transaction, &next, now).await?;
    publish_status_change(state, &mut transaction, &source, &saved).await?;
    state.events.commit(transaction).await?;
    Ok(saved)
}

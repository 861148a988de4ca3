//! The conversation of an incident: public replies and internal notes, and the history.
//!
//! Replies move incidents: staff's first public reply answers a `new` incident (`open`, and the
//! first-response clock stops); a customer's reply brings a `pending` one back to `open`, and
//! reopens a `resolved` one within the reopen window.

use platform::auth::Caller;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::incidents::{MAX_TEXT, event, get, note_agent, save};
use crate::domain::status::Status;
use crate::error::Error;
use crate::store::{self, Event, Incident};

/// A reply or note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// The text, 1 to 10,000 characters.
    pub body: String,
    /// Staff only: a note customers never see.
    #[serde(default)]
    pub internal: bool,
}

/// Adds a comment and applies what it means for the incident's state.
pub async fn comment(
    state: &State,
    caller: &Caller,
    id: Uuid,
    input: NewComment,
) -> Result<(Incident, Event), Error> {
    note_agent(state, caller).await?;
    let current = get(state, caller, id).await?;
    let body = clean_text("body", &input.body, 1, MAX_TEXT).map_err(|e| Error::Invalid(vec![e]))?;
    let staff = caller.role.is_staff();
    if input.internal && !staff {
        return Err(Error::invalid(
            "internal",
            "not_allowed",
            "only staff write internal notes",
        ));
    }
    if current.status.is_read_only() {
        return Err(Error::Conflict(format!(
            "The incident is {}; open a new one.",
            current.status.as_str()
        )));
    }
    let now = state.clock.now();
    let reply = Event {
        body: Some(body),
        internal: input.internal,
        ..event(id, Some(caller), "comment", json!({}), now)
    };
    let mut next = current.clone();
    let mut events = vec![reply.clone()];
    let mut record_move = |to: Status, reason: &str, events: &mut Vec<Event>| {
        events.push(event(
            id,
            None,
            "status",
            json!({"from": next.status.as_str(), "to": to.as_str(), "reason": reason}),
            now,
        ));
        next.status = to;
    };
    if staff && !input.internal {
        if next.first_response_at.is_none() {
            next.first_response_at = Some(now);
        }
        // The table lets the system move new → open (domain::status::TRANSITIONS).
        if current.status == Status::New {
            record_move(Status::Open, "first reply from staff", &mut events);
        }
    } else if !staff {
        match current.status {
            Status::Pending => record_move(Status::Open, "the customer replied", &mut events),
            Status::Resolved => {
                let within = current
                    .resolved_at
                    .is_some_and(|resolved| now - resolved <= state.reopen_window);
                if within {
                    record_move(
                        Status::Open,
                        "the customer replied after resolution",
                        &mut events,
                    );
                }
            }
            _ => {}
        }
    }
    let saved = save(state, &current, next, events).await?;
    Ok((saved, reply))
}

/// The history of an incident; internal notes only for staff.
pub async fn history(state: &State, caller: &Caller, id: Uuid) -> Result<Vec<Event>, Error> {
    let incident = get(state, caller, id).await?;
    Ok(store::list_events(state.database.pool(), incident.id, caller.role.is_staff()).await?)
}

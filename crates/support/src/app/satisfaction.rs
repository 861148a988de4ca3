//! Satisfaction: the customer rates a resolved incident, once.

use platform::auth::Caller;
use platform::text::clean_text;
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::app::incidents::{event, get, save};
use crate::domain::status::Status;
use crate::error::Error;
use crate::store::Incident;

/// The customer rates a resolved incident, once.
pub async fn rate(
    state: &State,
    caller: &Caller,
    id: Uuid,
    rating: i64,
    comment: Option<String>,
) -> Result<Incident, Error> {
    let current = get(state, caller, id).await?;
    if current.requester_user_id != Some(caller.user_id) {
        return Err(Error::Forbidden);
    }
    if !(1..=5).contains(&rating) {
        return Err(Error::invalid(
            "rating",
            "out_of_range",
            "a rating is 1 to 5",
        ));
    }
    let comment = comment
        .filter(|text| !text.trim().is_empty())
        .map(|text| clean_text("comment", &text, 1, 2000).map_err(|e| Error::Invalid(vec![e])))
        .transpose()?;
    if !matches!(current.status, Status::Resolved | Status::Closed) {
        return Err(Error::Conflict(
            "An incident can be rated once it is resolved.".into(),
        ));
    }
    if current.rating.is_some() {
        return Err(Error::Conflict(
            "This incident has been rated already.".into(),
        ));
    }
    let now = state.clock.now();
    let next = Incident {
        rating: Some(rating),
        rating_comment: comment.clone(),
        ..current.clone()
    };
    let data = json!({"rating": rating, "comment": comment});
    save(
        state,
        &current,
        next,
        vec![event(id, Some(caller), "satisfaction", data, now)],
    )
    .await
}

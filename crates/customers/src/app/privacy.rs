//! Erasure: a record's personal data replaced and its audit trail redacted, its id kept so that
//! orders and incidents that name it stay consistent.

use contracts::auth::Role;
use contracts::events::customers::CustomerErased;
use platform::auth::Caller;
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::app::audit::audit;
use crate::domain::customer::CustomerStatus;
use crate::error::Error;
use crate::store::{self, Customer};

/// Replaces the personal data of a record and redacts its audit trail, keeping its id
/// (administrators; also the system, when the restore window of a deleted record passes).
pub async fn erase(state: &State, actor: Option<&Caller>, id: Uuid) -> Result<Customer, Error> {
    if let Some(caller) = actor
        && caller.role != Role::Admin
    {
        return Err(Error::Forbidden);
    }
    let current = store::find_customer(state.database.pool(), id)
        .await?
        .ok_or(Error::NotFound)?;
    if current.status == CustomerStatus::Erased {
        return Ok(current);
    }
    let erased = Customer {
        given_name: "Erased".into(),
        family_name: String::new(),
        email: format!("erased-{}@erased.invalid", current.id.simple()),
        phone: None,
        birth_date: None,
        addresses: Vec::new(),
        status: CustomerStatus::Erased,
        ..current.clone()
    };
    let mut transaction = state.database.begin().await?;
    let saved = store::update_customer(&mut transaction, &erased).await?;
    store::redact_audit(&mut *transaction, id).await?;
    store::insert_audit(
        &mut *transaction,
        &audit(id, actor, "customer.erased", json!({})),
    )
    .await?;
    // The other services erase their copies on this event; it carries ids only.
    let announced = CustomerErased {
        customer_id: id,
        user_id: current.user_id,
    };
    state.events.publish(&mut transaction, &announced).await?;
    state.events.commit(transaction).await?;
    tracing::info!(customer = %id, "customer erased");
    Ok(saved)
}

/// Erases every record deleted longer ago than the restore window. Returns how many.
pub async fn erase_expired_deletions(state: &State) -> Result<usize, Error> {
    let cutoff = platform::time::now() - state.restore_window;
    let expired = store::deleted_before(state.database.pool(), cutoff).await?;
    for id in &expired {
        erase(state, None, *id).await?;
    }
    Ok(expired.len())
}

//! Accounts: registration, password changes and roles.

use contracts::auth::Role;
use contracts::events::identity::{UserDeleted, UserRegistered, UserRoleChanged};
use platform::FieldError;
use uuid::Uuid;

use crate::State;
use crate::app::sessions;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::error::Error;
use crate::store::{self, User};

/// Checks the three fields of a registration together, so the client hears of every problem
/// at once.
fn parse_registration(
    email: &str,
    password: &str,
    name: &str,
) -> Result<(Email, NewPassword, DisplayName), Error> {
    let mut errors = Vec::new();
    let email = Email::parse(email)
        .map_err(|error| errors.push(FieldError::new("email", "invalid", error.to_string())))
        .ok();
    let name = DisplayName::parse(name)
        .map_err(|error| errors.push(FieldError::new("name", "invalid", error.to_string())))
        .ok();
    let inputs: Vec<&str> = [
        email.as_ref().map(Email::as_str),
        name.as_ref().map(DisplayName::as_str),
    ]
    .into_iter()
    .flatten()
    .collect();
    let password = NewPassword::parse(password, &inputs)
        .map_err(|error| errors.push(FieldError::new("password", error.code(), error.to_string())))
        .ok();
    match (email, password, name) {
        (Some(email), Some(password), Some(name)) => Ok((email, password, name)),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Creates a customer account.
pub async fn register(
    state: &State,
    email: &str,
    password: &str,
    name: &str,
) -> Result<User, Error> {
    let (email, password, name) = parse_registration(email, password, name)?;
    // Spare the hash when the answer is already known; the unique index decides races.
    if store::email_exists(state.database.pool(), &email).await? {
        return Err(Error::DuplicateEmail);
    }
    let hash = state.hasher.hash(password.expose()).await?;
    let mut transaction = state.database.begin().await?;
    let user = store::insert_user(
        &mut *transaction,
        &email,
        name.as_str(),
        Role::Customer,
        &hash,
    )
    .await?;
    state
        .events
        .publish(&mut transaction, &registered(&user))
        .await?;
    state.events.commit(transaction).await?;
    tracing::info!(user = %user.id, "registered");
    Ok(user)
}

/// The event of a new account.
pub(crate) fn registered(user: &User) -> UserRegistered {
    UserRegistered {
        user_id: user.id,
        email: user.email.to_string(),
        name: user.name.clone(),
        role: user.role,
    }
}

/// Changes the caller's password after checking the current one; every other session of the
/// user ends.
pub async fn change_password(
    state: &State,
    user_id: Uuid,
    session_id: Uuid,
    current_password: &str,
    new_password: &str,
) -> Result<(), Error> {
    let user = store::find_user(state.database.pool(), user_id)
        .await?
        .ok_or(Error::NotFound)?;
    sessions::ensure_not_locked(state, user.email.as_str()).await?;
    let stored = store::find_password_hash(state.database.pool(), user_id).await?;
    if !state.hasher.verify(current_password, stored).await? {
        sessions::record_failure(
            state,
            &[crate::domain::throttle::account_key(user.email.as_str())],
        )
        .await?;
        return Err(Error::Invalid(vec![FieldError::new(
            "current_password",
            "incorrect",
            "the current password is not correct",
        )]));
    }
    let password =
        NewPassword::parse(new_password, &[user.email.as_str(), &user.name]).map_err(|error| {
            Error::Invalid(vec![FieldError::new(
                "new_password",
                error.code(),
                error.to_string(),
            )])
        })?;
    let hash = state.hasher.hash(password.expose()).await?;
    let mut transaction = state.database.begin().await?;
    store::update_password_hash(&mut *transaction, user_id, &hash).await?;
    let ended = store::revoke_user_sessions(
        &mut *transaction,
        user_id,
        Some(session_id),
        "password changed",
    )
    .await?;
    let count = ended.len();
    super::sessions::announce_revoked(state, &mut transaction, user_id, ended, "password changed")
        .await?;
    state.events.commit(transaction).await?;
    tracing::info!(user = %user_id, other_sessions_ended = count, "password changed");
    Ok(())
}

/// Gives a user a new role. The user's sessions end, so the new role applies from its next
/// login (a demotion takes effect at once). The last administrator keeps the role.
pub async fn set_role(state: &State, user_id: Uuid, role: Role) -> Result<User, Error> {
    if role == Role::Service {
        return Err(Error::Invalid(vec![platform::FieldError::new(
            "role",
            "not_a_user_role",
            "`service` belongs to service tokens, not to users",
        )]));
    }
    let mut transaction = state.database.begin().await?;
    store::lock_admins(&mut transaction, state.database.backend()).await?;
    let user = store::find_user(&mut *transaction, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if user.role == role {
        return Ok(user);
    }
    if user.role == Role::Admin && store::count_admins(&mut *transaction).await? <= 1 {
        return Err(Error::LastAdmin);
    }
    let updated = store::update_role(&mut *transaction, user_id, role)
        .await?
        .ok_or(Error::NotFound)?;
    let ended =
        store::revoke_user_sessions(&mut *transaction, user_id, None, "role changed").await?;
    super::sessions::announce_revoked(state, &mut transaction, user_id, ended, "role changed")
        .await?;
    state
        .events
        .publish(
            &mut transaction,
            &UserRoleChanged {
                user_id,
                email: updated.email.to_string(),
                name: updated.name.clone(),
                previous_role: user.role,
                role,
            },
        )
        .await?;
    state.events.commit(transaction).await?;
    tracing::info!(user = %user_id, from = %user.role, to = %role, "role changed");
    Ok(updated)
}

/// Deletes an account: it can no longer sign in, its sessions end with it, and the other
/// services hear of it. The caller's own account and the last administrator stay.
pub async fn delete_user(state: &State, caller_id: Uuid, user_id: Uuid) -> Result<(), Error> {
    if caller_id == user_id {
        return Err(Error::SelfDeletion);
    }
    let mut transaction = state.database.begin().await?;
    store::lock_admins(&mut transaction, state.database.backend()).await?;
    let user = store::find_user(&mut *transaction, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if user.role == Role::Admin && store::count_admins(&mut *transaction).await? <= 1 {
        return Err(Error::LastAdmin);
    }
    let ended =
        store::revoke_user_sessions(&mut *transaction, user_id, None, "account deleted").await?;
    super::sessions::announce_revoked(state, &mut transaction, user_id, ended, "account deleted")
        .await?;
    store::delete_user(&mut *transaction, user_id).await?;
    state
        .events
        .publish(&mut transaction, &UserDeleted { user_id })
        .await?;
    state.events.commit(transaction).await?;
    tracing::info!(user = %user_id, "account deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invalid_registration_field_is_reported_at_once() {
        let Err(Error::Invalid(errors)) = parse_registration("nope", "short", " ") else {
            panic!("an invalid registration was accepted");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "name", "password"]);
    }
}

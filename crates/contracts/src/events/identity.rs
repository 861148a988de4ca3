//! Events identity publishes about accounts.

use super::*;

/// A new account: registered by its owner, or the first administrator made on start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UserRegistered {
    /// The account.
    pub user_id: Uuid,
    /// Its normalised email.
    pub email: String,
    /// The name it gave.
    pub name: String,
    /// Its role.
    pub role: Role,
}

impl Event for UserRegistered {
    const TYPE: &'static str = "tienda.identity.user.registered.v1";
    fn subject(&self) -> String {
        self.user_id.to_string()
    }
}

/// An administrator changed an account's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UserRoleChanged {
    /// The account.
    pub user_id: Uuid,
    /// Its email.
    pub email: String,
    /// Its name.
    pub name: String,
    /// The role it had.
    pub previous_role: Role,
    /// The role it has now.
    pub role: Role,
}

impl Event for UserRoleChanged {
    const TYPE: &'static str = "tienda.identity.user.role_changed.v1";
    fn subject(&self) -> String {
        self.user_id.to_string()
    }
}

/// An account was deleted: it can no longer sign in, and its sessions are gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UserDeleted {
    /// The account that was.
    pub user_id: Uuid,
}

impl Event for UserDeleted {
    const TYPE: &'static str = "tienda.identity.user.deleted.v1";
    fn subject(&self) -> String {
        self.user_id.to_string()
    }
}

/// Sessions ended: a logout, a password change (the other sessions), a role change, a deleted
/// account, a reused refresh token. Every service refuses their access tokens from now on,
/// without waiting for them to expire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SessionsRevoked {
    /// Whose sessions.
    pub user_id: Uuid,
    /// The sessions that ended (an access token names its own in `sid`).
    pub session_ids: Vec<Uuid>,
    /// Why, for the logs: `logout`, `password changed`, `role changed`, ...
    pub reason: String,
}

impl Event for SessionsRevoked {
    const TYPE: &'static str = "tienda.identity.sessions.revoked.v1";
    fn subject(&self) -> String {
        self.user_id.to_string()
    }
}

//! The identity vocabulary every service shares: roles and access-token claims.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do. Every user has exactly one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Buys, follows its own orders and incidents.
    Customer,
    /// Manages its own products in the catalog.
    Seller,
    /// Support staff: works the incident queue, reads customer records.
    Agent,
    /// Everything, including users and roles.
    Admin,
    /// Another Tienda service acting on its own behalf (the orders service reserving stock).
    /// Never a user's role: identity issues it only for a service token, against the shared
    /// service secret.
    Service,
}

impl Role {
    /// Every role a user can have, in order of increasing privilege (not [`Role::Service`]).
    pub const ALL: [Role; 4] = [Role::Customer, Role::Seller, Role::Agent, Role::Admin];

    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Seller => "seller",
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Service => "service",
        }
    }

    /// Staff are agents and administrators: they act on behalf of customers.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the four user role names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown role `{}`", self.0)
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// The claims of an access token, as issued by identity and checked by every service.
///
/// `sid` names the login session the token belongs to, so that logging out (which revokes the
/// session) ends the token at once wherever revocation is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: Uuid,
    /// The user's role when the token was issued.
    pub role: Role,
    /// The session this token was issued for.
    pub sid: Uuid,
    /// The user's email when the token was issued (normalised).
    pub email: String,
    /// The user's display name when the token was issued.
    pub name: String,
    /// Unique token id.
    pub jti: Uuid,
    /// Issued at, seconds since the Unix epoch.
    pub iat: i64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: i64,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }
}

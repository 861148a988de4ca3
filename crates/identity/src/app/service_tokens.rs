//! Service tokens: an access token with the `service` role for another Tienda service (the
//! orders service reserving stock in the catalog), issued against the secret the services share
//! (`TIENDA_SERVICE_SECRET`; the embedded mode makes one per start).
//!
//! A service token belongs to no user and no login session: its `sub` and `sid` are the nil
//! UUID, and verifiers do not look it up for revocation. It lives as long as any access token
//! (15 minutes by default); the service asks for a new one before it expires. Changing the
//! secret stops new tokens at once and old ones within their lifetime.

use contracts::auth::Role;
use platform::config::ExposeSecret;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::State;
use crate::app::keys::TokenSubject;
use crate::error::Error;

/// The longest service name.
const MAX_SERVICE_NAME: usize = 32;

/// A service token, as issued.
#[derive(Debug)]
pub struct ServiceToken {
    /// The signed access token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: u64,
}

/// Issues a token to `service` when `secret` is the configured service secret.
///
/// The secrets are compared as SHA-256 digests, so the time taken says nothing about how much of
/// a guess was right.
pub fn issue(state: &State, service: &str, secret: &str) -> Result<ServiceToken, Error> {
    let name_is_valid = !service.is_empty()
        && service.len() <= MAX_SERVICE_NAME
        && service.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    let Some(expected) = state.service_secret.as_ref() else {
        return Err(Error::InvalidServiceCredentials);
    };
    let matches =
        Sha256::digest(expected.expose_secret().as_bytes()) == Sha256::digest(secret.as_bytes());
    if !name_is_valid || !matches {
        tracing::warn!(service, "a service token was refused");
        return Err(Error::InvalidServiceCredentials);
    }
    let email = format!("{service}@services.tienda.invalid");
    let access_token = state.signer.issue(
        &TokenSubject {
            id: Uuid::nil(),
            role: Role::Service,
            email: &email,
            name: service,
        },
        Uuid::nil(),
    )?;
    Ok(ServiceToken {
        access_token,
        expires_in: state.signer.ttl().as_secs(),
    })
}

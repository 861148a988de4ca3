//! Logging in, refreshing and logging out: sessions and the tokens issued for them.
//!
//! A login opens a session and hands out an access token (a JWT naming the session) and a
//! refresh token (opaque; only its SHA-256 is stored). Each refresh rotates the refresh token;
//! presenting a rotated one again means it leaked, so the whole session is revoked. Revoking a
//! session ends its access tokens at once wherever revocation is checked.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::keys::TokenSubject;
use crate::domain::email::normalise;
use crate::domain::password::MAX_LENGTH;
use crate::domain::throttle::{account_key, address_key, seconds_locked};
use crate::error::Error;
use crate::store::{self, User};

/// What a login or a refresh answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// The access token: send it as `Authorization: Bearer ...`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token: trade it at `/refresh` for a new pair, once.
    pub refresh_token: String,
}

fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn refresh_token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn refresh_expiry(state: &State) -> time::OffsetDateTime {
    platform::time::now() + state.tokens.refresh_ttl
}

fn pair(
    state: &State,
    user: &User,
    session_id: Uuid,
    refresh_token: String,
) -> Result<TokenPair, Error> {
    let subject = TokenSubject {
        id: user.id,
        role: user.role,
        email: user.email.as_str(),
        name: &user.name,
    };
    Ok(TokenPair {
        access_token: state.signer.issue(&subject, session_id)?,
        token_type: "Bearer",
        expires_in: state.signer.ttl().as_secs(),
        refresh_token,
    })
}

/// Checks the credentials and opens a session. Unknown email and wrong password fail the same
/// way, in the same time (the password is checked against a decoy hash).
pub async fn login(
    state: &State,
    email: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<TokenPair, Error> {
    let email = normalise(email);
    // No account has an email with control characters (registration refuses them), and
    // PostgreSQL refuses NUL in text: such a login is wrong without asking the database about
    // the account, but still costs a hash and counts against the address.
    let possible = !email.chars().any(char::is_control);
    let keys: Vec<String> = possible
        .then(|| account_key(&email))
        .into_iter()
        .chain(address.map(address_key))
        .collect();
    let now = platform::time::now();
    for key in &keys {
        let locked_until = store::throttle_locked_until(state.database.pool(), key).await?;
        if let Some(retry_after_secs) = seconds_locked(locked_until, now) {
            return Err(Error::Locked { retry_after_secs });
        }
    }
    let found = if !possible || password.chars().count() > MAX_LENGTH {
        None
    } else {
        store::find_credentials(state.database.pool(), &email).await?
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = state.hasher.verify(password, hash).await?;
    let Some(user) = user.filter(|_| verified) else {
        record_failure(state, &keys).await?;
        return Err(Error::InvalidCredentials);
    };
    store::throttle_clear(state.database.writer(), &account_key(&email)).await?;
    let refresh_token = new_refresh_token();
    let expires_at = refresh_expiry(state);
    let mut transaction = state.database.begin().await?;
    let session_id = store::insert_session(&mut *transaction, user.id, expires_at).await?;
    store::insert_refresh_token(
        &mut *transaction,
        &refresh_token_hash(&refresh_token),
        session_id,
        expires_at,
    )
    .await?;
    transaction.commit().await?;
    pair(state, &user, session_id, refresh_token)
}

/// Counts a failed proof of password for the account and the address.
pub async fn record_failure(state: &State, keys: &[String]) -> Result<(), Error> {
    let policy = &state.throttle;
    for key in keys {
        let max = if key.starts_with("account:") {
            policy.max_failures_per_account
        } else {
            policy.max_failures_per_address
        };
        store::throttle_record_failure(&state.database, key, max, policy.window, policy.lockout)
            .await?;
    }
    Ok(())
}

/// 429 when the account is locked.
pub async fn ensure_not_locked(state: &State, email: &str) -> Result<(), Error> {
    let locked_until =
        store::throttle_locked_until(state.database.pool(), &account_key(email)).await?;
    match seconds_locked(locked_until, platform::time::now()) {
        Some(retry_after_secs) => Err(Error::Locked { retry_after_secs }),
        None => Ok(()),
    }
}

/// Trades a refresh token for a new pair, rotating it. A reused token revokes its session.
pub async fn refresh(state: &State, refresh_token: &str) -> Result<TokenPair, Error> {
    let hash = refresh_token_hash(refresh_token);
    let mut transaction = state.database.begin().await?;
    let Some(record) = store::find_refresh_token(&mut *transaction, &hash).await? else {
        return Err(Error::InvalidRefreshToken);
    };
    if record.session_revoked || record.expires_at <= platform::time::now() {
        return Err(Error::InvalidRefreshToken);
    }
    // A second rotation of one token, even a concurrent one, finds it used.
    if record.used || !store::mark_refresh_token_used(&mut *transaction, &hash).await? {
        let ended =
            store::revoke_session(&mut *transaction, record.session_id, "refresh token reused")
                .await?;
        announce_revoked(
            state,
            &mut transaction,
            record.user.id,
            ended,
            "refresh token reused",
        )
        .await?;
        state.events.commit(transaction).await?;
        tracing::warn!(session = %record.session_id, user = %record.user.id, "refresh token reused; session revoked");
        return Err(Error::RefreshTokenReused);
    }
    let next = new_refresh_token();
    let expires_at = refresh_expiry(state);
    store::insert_refresh_token(
        &mut *transaction,
        &refresh_token_hash(&next),
        record.session_id,
        expires_at,
    )
    .await?;
    store::extend_session(&mut *transaction, record.session_id, expires_at).await?;
    transaction.commit().await?;
    // The user is read now, not copied from the old token: role changes apply on refresh.
    pair(state, &record.user, record.session_id, next)
}

/// Ends a session: its access and refresh tokens stop working at once, here and, when the
/// event arrives, in every other service.
pub async fn logout(state: &State, user_id: Uuid, session_id: Uuid) -> Result<(), Error> {
    let mut transaction = state.database.begin().await?;
    let ended = store::revoke_session(&mut *transaction, session_id, "logout").await?;
    announce_revoked(state, &mut transaction, user_id, ended, "logout").await?;
    state.events.commit(transaction).await?;
    Ok(())
}

/// Tells the other services, in the transaction that ended them, that `session_ids` ended
/// (`session.revoked`): they refuse those sessions' tokens from then on.
pub(crate) async fn announce_revoked(
    state: &State,
    transaction: &mut platform::events::Tx,
    user_id: Uuid,
    session_ids: Vec<Uuid>,
    reason: &str,
) -> Result<(), Error> {
    if session_ids.is_empty() {
        return Ok(());
    }
    let event = contracts::events::identity::SessionsRevoked {
        user_id,
        session_ids,
        reason: reason.to_owned(),
    };
    state.events.publish(transaction, &event).await?;
    Ok(())
}

/// The session store as the token verifier's revocation check.
pub struct SessionRevocationCheck(pub platform::db::Database);

impl platform::auth::SessionRevocation for SessionRevocationCheck {
    fn is_revoked(&self, session_id: Uuid) -> futures::future::BoxFuture<'_, anyhow::Result<bool>> {
        Box::pin(async move {
            store::is_session_revoked(self.0.pool(), session_id)
                .await
                .map_err(anyhow::Error::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_random_and_stored_only_as_hashes() {
        let first = new_refresh_token();
        let second = new_refresh_token();
        assert_ne!(first, second);
        assert_eq!(first.len(), 43);
        let hash = refresh_token_hash(&first);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&first));
        assert_eq!(hash, refresh_token_hash(&first));
    }
}

//! Who is calling: verification of identity's access tokens, and role guards.
//!
//! Any service verifies tokens locally against identity's public keys (JWKS): in embedded mode
//! they are handed over in process, in distributed mode fetched from identity's `/jwks.json` and
//! cached (fetched again when a token names a key not yet seen, at most every 30 s).
//!
//! Verification pins the algorithm to EdDSA, requires a known `kid`, and checks `exp`, `iat`,
//! `iss`, `aud` and `sub`. A [`SessionRevocation`] check, where one is configured, ends a token
//! as soon as its session is logged out; identity always has one, and in embedded mode it serves
//! every service.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use contracts::auth::{AccessClaims, Role};
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::error::ApiError;

/// How long a token may be past `exp` and still pass, for clock skew between services.
const LEEWAY_SECS: u64 = 30;
/// The least time between two fetches of a remote key set.
const REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// One public key in a JSON Web Key Set: Ed25519 (`kty: OKP`, `crv: Ed25519`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicJwk {
    /// Key type: always `OKP`.
    pub kty: String,
    /// Curve: always `Ed25519`.
    pub crv: String,
    /// The public key, base64url without padding.
    pub x: String,
    /// The key id tokens name in their header.
    pub kid: String,
    /// The algorithm: always `EdDSA`.
    pub alg: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub key_use: String,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Jwks {
    /// The keys tokens may be signed with.
    pub keys: Vec<PublicJwk>,
}

/// Answers whether a login session has been revoked (logged out, password changed, reuse of a
/// refresh token detected).
pub trait SessionRevocation: Send + Sync {
    /// True when tokens of `session_id` must no longer be accepted.
    fn is_revoked(&self, session_id: Uuid) -> BoxFuture<'_, anyhow::Result<bool>>;
}

enum KeySource {
    Static(HashMap<String, DecodingKey>),
    Remote {
        url: String,
        client: reqwest::Client,
        cache: RwLock<RemoteKeys>,
    },
}

struct RemoteKeys {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

/// The longest lifetime a token may claim unless configured otherwise (identity's default).
const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Verifies access tokens. Cheap to share: hold it in an `Arc`.
pub struct TokenVerifier {
    keys: KeySource,
    validation: Validation,
    revocation: Option<Arc<dyn SessionRevocation>>,
    /// The list of revoked sessions fed by identity's events, when this verifier uses one.
    revoked_sessions: Option<Arc<crate::sessions::RevokedSessions>>,
    /// The longest `exp - iat` accepted: identity's configured access-token lifetime.
    max_lifetime: Duration,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.validation.iss)
            .field("audience", &self.validation.aud)
            .finish_non_exhaustive()
    }
}

fn decoding_keys(jwks: &Jwks) -> HashMap<String, DecodingKey> {
    jwks.keys
        .iter()
        .filter(|key| key.kty == "OKP" && key.crv == "Ed25519")
        .filter_map(|key| {
            DecodingKey::from_ed_components(&key.x)
                .ok()
                .map(|decoding| (key.kid.clone(), decoding))
        })
        .collect()
}

impl TokenVerifier {
    fn with_source(keys: KeySource, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Self {
            keys,
            validation,
            revocation: None,
            revoked_sessions: None,
            max_lifetime: DEFAULT_MAX_LIFETIME,
        }
    }

    /// A verifier with a fixed key set (embedded mode, and identity itself).
    pub fn from_jwks(jwks: &Jwks, issuer: &str, audience: &str) -> Self {
        Self::with_source(KeySource::Static(decoding_keys(jwks)), issuer, audience)
    }

    /// A verifier that fetches identity's key set from `jwks_url` (distributed mode).
    pub fn remote(jwks_url: impl Into<String>, issuer: &str, audience: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self::with_source(
            KeySource::Remote {
                url: jwks_url.into(),
                client,
                cache: RwLock::new(RemoteKeys {
                    keys: HashMap::new(),
                    fetched_at: None,
                }),
            },
            issuer,
            audience,
        )
    }

    /// Adds a revocation check: tokens of revoked sessions are refused.
    pub fn with_revocation(mut self, revocation: Arc<dyn SessionRevocation>) -> Self {
        self.revocation = Some(revocation);
        self
    }

    /// Refuses the tokens of the sessions in `list`, which identity's `session.revoked` events
    /// feed (a service in its own process; see [`crate::sessions`]).
    pub fn with_revoked_sessions(mut self, list: Arc<crate::sessions::RevokedSessions>) -> Self {
        self.revocation = Some(list.clone());
        self.revoked_sessions = Some(list);
        self
    }

    /// The list of revoked sessions this verifier asks, when it is fed by events.
    pub fn revoked_sessions(&self) -> Option<&Arc<crate::sessions::RevokedSessions>> {
        self.revoked_sessions.as_ref()
    }

    /// Accepts tokens that live up to `max_lifetime` (`exp - iat`), the access-token lifetime
    /// identity is configured with; longer ones are refused. 15 minutes unless set.
    #[must_use]
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// Verifies a compact JWS and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| ApiError::Unauthorized("The access token is malformed.".to_owned()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(ApiError::Unauthorized(
                "The access token uses an algorithm this service does not accept.".to_owned(),
            ));
        }
        let kid = header.kid.ok_or_else(|| {
            ApiError::Unauthorized("The access token names no signing key.".to_owned())
        })?;
        let key = self.key(&kid).await?;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &self.validation).map_err(
            |error| {
                tracing::debug!(%error, "access token refused");
                ApiError::Unauthorized("The access token is invalid or expired.".to_owned())
            },
        )?;
        let claims = data.claims;
        // A validly signed token that claims to come from the future, or to live longer than
        // identity issues them for, was not made by identity as configured: a stolen key, or
        // a clock gone wrong. Either way it is refused.
        let now = crate::time::now().unix_timestamp();
        let leeway = i64::try_from(LEEWAY_SECS).unwrap_or(i64::MAX);
        let max_lifetime = i64::try_from(self.max_lifetime.as_secs()).unwrap_or(i64::MAX);
        if claims.iat > now.saturating_add(leeway) {
            return Err(ApiError::Unauthorized(
                "The access token was issued in the future.".to_owned(),
            ));
        }
        if claims.exp.saturating_sub(claims.iat) > max_lifetime.saturating_add(leeway) {
            return Err(ApiError::Unauthorized(
                "The access token lives longer than this service accepts.".to_owned(),
            ));
        }
        // A service token belongs to no login session: there is nothing to revoke.
        if let Some(revocation) = &self.revocation
            && claims.role != Role::Service
            && revocation.is_revoked(claims.sid).await?
        {
            return Err(ApiError::Unauthorized(
                "The session of this access token has ended.".to_owned(),
            ));
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, ApiError> {
        let unknown = || ApiError::Unauthorized("The access token's key is unknown.".to_owned());
        match &self.keys {
            KeySource::Static(keys) => keys.get(kid).cloned().ok_or_else(unknown),
            KeySource::Remote { url, client, cache } => {
                if let Some(key) = cache.read().await.keys.get(kid) {
                    return Ok(key.clone());
                }
                let mut cache = cache.write().await;
                let recently = cache
                    .fetched_at
                    .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL);
                if !recently {
                    let jwks = fetch_jwks(client, url).await?;
                    cache.keys = decoding_keys(&jwks);
                    cache.fetched_at = Some(Instant::now());
                }
                cache.keys.get(kid).cloned().ok_or_else(unknown)
            }
        }
    }
}

async fn fetch_jwks(client: &reqwest::Client, url: &str) -> Result<Jwks, ApiError> {
    let unavailable = |error: reqwest::Error| {
        tracing::warn!(%error, url, "cannot fetch the identity service's keys");
        ApiError::Unavailable {
            reason: "The identity service's keys cannot be fetched.".to_owned(),
            retry_after_secs: 5,
        }
    };
    client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(unavailable)?
        .json::<Jwks>()
        .await
        .map_err(unavailable)
}

/// The authenticated caller of a request, from its Bearer token.
///
/// Extracting it answers 401 when there is no valid token; check what it may do with
/// [`Caller::require`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user id.
    pub user_id: Uuid,
    /// The role the token was issued with.
    pub role: Role,
    /// The login session the token belongs to.
    pub session_id: Uuid,
    /// The user's email when the token was issued.
    pub email: String,
    /// The user's name when the token was issued.
    pub name: String,
}

/// The caller may not do this (a 403). Each service's error converts it into its own
/// `Forbidden`, so the role checks are written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden")]
pub struct Forbidden;

impl From<Forbidden> for ApiError {
    fn from(_: Forbidden) -> Self {
        ApiError::Forbidden
    }
}

impl Caller {
    /// True for staff (agents and administrators): they act on behalf of customers.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// [`Forbidden`] unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), Forbidden> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }

    /// [`Forbidden`] unless the caller is an administrator.
    pub fn require_admin(&self) -> Result<(), Forbidden> {
        self.require(&[Role::Admin])
    }

    /// [`Forbidden`] unless the caller is staff.
    pub fn require_staff(&self) -> Result<(), Forbidden> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }
}

/// The token of an `Authorization: Bearer` header, if there is one.
pub fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Send an access token as a Bearer token.".into()))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("The Authorization header is not text.".into()))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized("Use `Authorization: Bearer TOKEN`.".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized(
            "Use `Authorization: Bearer TOKEN`.".into(),
        ));
    }
    Ok(token.trim())
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<TokenVerifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<TokenVerifier>::from_ref(state);
        let claims = verifier.verify(bearer_token(parts)?).await?;
        Ok(Caller {
            user_id: claims.sub,
            role: claims.role,
            session_id: claims.sid,
            email: claims.email,
            name: claims.name,
        })
    }
}

/// The roles a route admits, as a type, for [`Allowed`].
pub trait Roles: Send + Sync + 'static {
    /// Who may call.
    const ROLES: &'static [Role];
}

/// Administrators.
#[derive(Debug, Clone, Copy)]
pub struct Admins;

impl Roles for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Staff: agents and administrators.
#[derive(Debug, Clone, Copy)]
pub struct Staff;

impl Roles for Staff {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin];
}

/// Sellers and administrators: who lists products.
#[derive(Debug, Clone, Copy)]
pub struct Sellers;

impl Roles for Sellers {
    const ROLES: &'static [Role] = &[Role::Seller, Role::Admin];
}

/// The caller of a route that only `R` may call. Extracted before the body, so a caller of
/// another role gets 403 without learning what a valid body looks like (a 422 would list the
/// fields). The use case checks the role again: it is called from elsewhere too.
#[derive(Debug, Clone)]
pub struct Allowed<R>(pub Caller, pub std::marker::PhantomData<R>);

impl<R: Roles, S> FromRequestParts<S> for Allowed<R>
where
    Arc<TokenVerifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(R::ROLES)?;
        Ok(Self(caller, std::marker::PhantomData))
    }
}

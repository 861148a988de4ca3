//! Sessions, server-side: the browser holds a random id in an HttpOnly, SameSite=Lax cookie;
//! what the session knows (locale, a visitor's cart token, the signed-in person's tokens, a
//! one-shot message) lives in the website's database, under the SHA-256 of the id.
//!
//! A visitor who only browses costs no row: the id is made and sent, and a row is written the
//! first time there is something to keep. Signing in and out give a new id (no fixation).

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use platform::db::Database;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use tokio::sync::Mutex;

use crate::error::PageError;
use crate::store::{self, SignedIn, StoredSession};

/// The session cookie's name (platform's, whose rate limits key a signed-in shopper by it).
pub const COOKIE: &str = platform::http::SESSION_COOKIE;

/// How long a session lives without use.
const LIFETIME: Duration = Duration::days(30);

/// What every request's session needs: the database and the cookie's settings.
#[derive(Debug, Clone)]
pub struct Sessions {
    /// Where sessions are kept.
    pub database: Database,
    /// The key of the CSRF tokens (shared by the site's replicas through the database).
    pub csrf_key: Arc<Vec<u8>>,
    /// Mark the cookie `Secure` (the site is served over TLS).
    pub secure_cookie: bool,
}

/// The session of the request being served. Cheap to clone; every clone is the same session.
#[derive(Debug, Clone)]
pub struct Session {
    sessions: Sessions,
    state: Arc<Mutex<SessionState>>,
}

#[derive(Debug)]
struct SessionState {
    /// The id the browser holds (secret).
    id: String,
    stored: StoredSession,
    /// Whether the response must (re)send the cookie.
    send_cookie: bool,
}

fn new_id() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hash(id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Middleware: finds the request's session (or starts one) and sends its cookie when new.
pub async fn load_session(
    State(sessions): State<Sessions>,
    mut request: Request,
    next: Next,
) -> Result<Response, PageError> {
    let presented = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|id| id.len() == 43);
    let forwarded_https = request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"));
    let state = match presented {
        Some(id) => {
            let stored = store::find_session(&sessions.database, &hash(&id), platform::time::now())
                .await
                .map_err(PageError::Internal)?;
            SessionState {
                id,
                stored: stored.unwrap_or_default(),
                send_cookie: false,
            }
        }
        None => SessionState {
            id: new_id(),
            stored: StoredSession::default(),
            send_cookie: true,
        },
    };
    let session = Session {
        sessions: sessions.clone(),
        state: Arc::new(Mutex::new(state)),
    };
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;
    let state = session.state.lock().await;
    if state.send_cookie {
        let cookie = Cookie::build((COOKIE, state.id.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(sessions.secure_cookie || forwarded_https)
            .max_age(LIFETIME)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| PageError::Internal(anyhow::anyhow!("no session layer")))
    }
}

impl Session {
    /// The CSRF token of this session, for the forms it renders.
    pub async fn csrf_token(&self) -> String {
        let id = self.state.lock().await.id.clone();
        crate::csrf::token(&self.sessions.csrf_key, &id)
    }

    /// Whether `token` is this session's CSRF token.
    pub async fn csrf_matches(&self, token: &str) -> bool {
        let id = self.state.lock().await.id.clone();
        crate::csrf::verify(&self.sessions.csrf_key, &id, token)
    }

    /// What the session holds now.
    pub async fn stored(&self) -> StoredSession {
        self.state.lock().await.stored.clone()
    }

    /// Who is signed in.
    pub async fn user(&self) -> Option<SignedIn> {
        self.state.lock().await.stored.user.clone()
    }

    /// Writes the session as it is now, alive for [`LIFETIME`] more.
    async fn save(&self, state: &SessionState) -> Result<(), PageError> {
        store::save_session(
            &self.sessions.database,
            &hash(&state.id),
            &state.stored,
            platform::time::now() + LIFETIME,
        )
        .await
        .map_err(PageError::Internal)
    }

    /// Changes what the session holds and saves it.
    pub async fn update(&self, change: impl FnOnce(&mut StoredSession)) -> Result<(), PageError> {
        let mut state = self.state.lock().await;
        change(&mut state.stored);
        self.save(&state).await
    }

    /// The one-shot message, taken (it shows once).
    pub async fn take_flash(&self) -> Result<Option<String>, PageError> {
        if self.state.lock().await.stored.flash.is_none() {
            return Ok(None);
        }
        let mut flash = None;
        self.update(|stored| flash = stored.flash.take()).await?;
        Ok(flash)
    }

    /// Signs `user` in under a new session id, keeping the language; the visitor's cart token
    /// goes (its cart was merged).
    pub async fn sign_in(&self, user: SignedIn) -> Result<(), PageError> {
        let mut state = self.state.lock().await;
        store::delete_session(&self.sessions.database, &hash(&state.id))
            .await
            .map_err(PageError::Internal)?;
        state.id = new_id();
        state.send_cookie = true;
        state.stored = StoredSession {
            locale: state.stored.locale.take(),
            cart_token: None,
            user: Some(user),
            flash: None,
        };
        self.save(&state).await
    }

    /// Ends the session: its row goes, the browser gets a new id.
    pub async fn sign_out(&self) -> Result<(), PageError> {
        let mut state = self.state.lock().await;
        store::delete_session(&self.sessions.database, &hash(&state.id))
            .await
            .map_err(PageError::Internal)?;
        let locale = state.stored.locale.take();
        state.id = new_id();
        state.send_cookie = true;
        state.stored = StoredSession {
            locale,
            ..StoredSession::default()
        };
        Ok(())
    }

    /// Claims the renewal of the tokens for a few seconds; false when another request renews
    /// them now.
    pub async fn claim_refresh(&self) -> Result<bool, PageError> {
        let id = self.state.lock().await.id.clone();
        let now = platform::time::now();
        store::claim_refresh(
            &self.sessions.database,
            &hash(&id),
            now,
            now + Duration::seconds(10),
        )
        .await
        .map_err(PageError::Internal)
    }

    /// Reads the session again from the database (another request changed it).
    pub async fn reload(&self) -> Result<(), PageError> {
        let mut state = self.state.lock().await;
        let stored = store::find_session(
            &self.sessions.database,
            &hash(&state.id),
            platform::time::now(),
        )
        .await
        .map_err(PageError::Internal)?;
        state.stored = stored.unwrap_or_default();
        Ok(())
    }
}

/// When an access token that lives `expires_in` seconds from now stops working.
pub fn access_expiry(expires_in: u64) -> OffsetDateTime {
    platform::time::now() + Duration::seconds(i64::try_from(expires_in).unwrap_or(i64::MAX / 2))
}

//! What every page shows around its content (the header with search, language, account and
//! cart links; the one-shot message; the footer), and [`Visit`]: the request as a page sees it,
//! with the session, the language and the signed-in person's tokens.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use contracts::money::Money;
use platform::http::RequestId;
use time::OffsetDateTime;

use crate::State;
use crate::clients::CallError;
use crate::error::PageError;
use crate::i18n::{Locale, Words};
use crate::session::{Session, access_expiry};
use crate::store::{SignedIn, StoredSession};

/// A token is renewed when it has less than this left.
const RENEWAL_MARGIN: time::Duration = time::Duration::seconds(30);

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct Badge {
    /// Their name.
    pub name: String,
    /// Whether they are staff (agent or administrator).
    pub staff: bool,
    /// Whether they work in the back office (sellers and staff).
    pub back_office: bool,
}

/// A language in the switcher.
#[derive(Debug, Clone)]
pub struct LanguageChoice {
    /// `en`, `es`.
    pub tag: &'static str,
    /// Its own name.
    pub name: &'static str,
    /// Whether the page is in it.
    pub current: bool,
}

/// The frame of every page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's language.
    pub words: Words,
    /// Who is signed in.
    pub user: Option<Badge>,
    /// The session's CSRF token, for every form.
    pub csrf: String,
    /// A one-shot message (after a redirect).
    pub flash: Option<String>,
    /// The page's own path and query, to come back to after switching language.
    pub here: String,
    /// The request's id, shown on error pages for support.
    pub request_id: String,
    /// The languages of the switcher.
    pub languages: Vec<LanguageChoice>,
    /// The search box's words.
    pub query: String,
}

impl Layout {
    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.words.t(key)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.words.t1(key, name, value)
    }

    /// The message `key` for a number.
    pub fn count(&self, key: &str, count: &i64) -> String {
        self.words.count(key, *count)
    }

    /// Money in the page's language.
    pub fn money(&self, money: &Money) -> String {
        self.words.money(money)
    }

    /// A day in the page's language.
    pub fn date(&self, at: &OffsetDateTime) -> String {
        self.words.date(at)
    }

    /// A day and time in the page's language.
    pub fn date_time(&self, at: &OffsetDateTime) -> String {
        self.words.date_time(at)
    }

    /// The page's language tag.
    pub fn lang(&self) -> &'static str {
        self.words.locale.tag()
    }

    /// The layout of an error page: never fails, and leaves the one-shot message for later.
    pub(crate) async fn for_error(parts: &mut Parts) -> Layout {
        let session = parts.extensions.get::<Session>().cloned();
        let stored = match &session {
            Some(session) => session.stored().await,
            None => StoredSession::default(),
        };
        let csrf = match &session {
            Some(session) => session.csrf_token().await,
            None => String::new(),
        };
        build(parts, &stored, csrf, None)
    }
}

fn build(parts: &Parts, stored: &StoredSession, csrf: String, flash: Option<String>) -> Layout {
    let locale = stored
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default();
    let here = parts
        .uri
        .path_and_query()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let query = parts
        .uri
        .query()
        .and_then(|query| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .ok()?
                .into_iter()
                .find(|(name, _)| name == "q")
                .map(|(_, value)| value)
        })
        .filter(|_| parts.uri.path() == "/products")
        .unwrap_or_default();
    Layout {
        words: Words::new(locale),
        user: stored.user.as_ref().map(|user| Badge {
            name: user.name.clone(),
            staff: matches!(user.role.as_str(), "agent" | "admin"),
            back_office: matches!(user.role.as_str(), "seller" | "agent" | "admin"),
        }),
        csrf,
        flash,
        here,
        request_id: parts
            .extensions
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default(),
        languages: Locale::ALL
            .iter()
            .map(|candidate| LanguageChoice {
                tag: candidate.tag(),
                name: candidate.own_name(),
                current: *candidate == locale,
            })
            .collect(),
        query,
    }
}

/// The request, as a page sees it: its session, its layout and the site's state.
#[derive(Clone)]
pub struct Visit {
    /// The session.
    pub session: Session,
    /// The page's frame.
    pub layout: Layout,
    /// The site.
    pub state: State,
}

impl FromRequestParts<State> for Visit {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        let flash = session.take_flash().await?;
        let stored = session.stored().await;
        let csrf = session.csrf_token().await;
        Ok(Visit {
            layout: build(parts, &stored, csrf, flash),
            session,
            state: state.clone(),
        })
    }
}

impl Visit {
    /// The page's language.
    pub fn words(&self) -> Words {
        self.layout.words
    }

    /// The signed-in person; a redirect to sign in otherwise.
    pub async fn user(&self) -> Result<SignedIn, PageError> {
        self.session.user().await.ok_or(PageError::SignIn)
    }

    /// A live access token for the signed-in person, renewed when it is about to expire;
    /// a redirect to sign in when there is none or it cannot be renewed.
    pub async fn bearer(&self) -> Result<String, PageError> {
        for _ in 0..50 {
            let user = self.user().await?;
            if user.access_expires_at > platform::time::now() + RENEWAL_MARGIN {
                return Ok(user.access_token);
            }
            if self.session.claim_refresh().await? {
                return self.renew(&user).await;
            }
            // Another request of this session renews them: wait for its result.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            self.session.reload().await?;
        }
        Err(PageError::SignIn)
    }

    async fn renew(&self, user: &SignedIn) -> Result<String, PageError> {
        match self
            .state
            .clients
            .identity
            .refresh(&user.refresh_token)
            .await
        {
            Ok(pair) => {
                let token = pair.access_token.clone();
                self.session
                    .update(|stored| {
                        if let Some(user) = stored.user.as_mut() {
                            user.access_token = pair.access_token;
                            user.refresh_token = pair.refresh_token;
                            user.access_expires_at = access_expiry(pair.expires_in);
                        }
                    })
                    .await?;
                Ok(token)
            }
            Err(CallError::Refused(_)) => {
                // The session ended in identity (logout elsewhere, a password change).
                self.session.sign_out().await?;
                Err(PageError::SignIn)
            }
            Err(CallError::Failed(error)) => Err(error),
        }
    }

    /// Leaves a one-shot message for the next page.
    pub async fn flash(&self, message: String) -> Result<(), PageError> {
        self.session
            .update(|stored| stored.flash = Some(message))
            .await
    }
}

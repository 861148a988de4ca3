//! CSRF protection for every form that changes something: the form carries a token bound to
//! the session (an HMAC of its id under the site's key), and the request must come from the
//! site itself (`Sec-Fetch-Site`, else `Origin`, when the browser sends them).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::error::PageError;
use crate::session::Session;

/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// The largest form the site takes.
const MAX_FORM_BYTES: usize = 64 * 1024;

fn mac(key: &[u8], session_id: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
        <Hmac<Sha256> as Mac>::new_from_slice(&[0]).unwrap_or_else(|_| unreachable!())
    });
    mac.update(b"csrf:");
    mac.update(session_id.as_bytes());
    mac
}

/// The token of the session `session_id`.
pub fn token(key: &[u8], session_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, session_id).finalize().into_bytes())
}

/// Whether `presented` is the token of `session_id` (compared in constant time).
pub fn verify(key: &[u8], session_id: &str, presented: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(presented) {
        Ok(bytes) => mac(key, session_id).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// Whether the request comes from a page of this site, by what the browser says of it.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Neither header: not a browser of this decade, or not a browser. The token decides.
        return true;
    };
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|host| host.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, host)| host);
    matches!((origin_host, host), (Some(origin), Some(host)) if origin.eq_ignore_ascii_case(host))
}

#[derive(Deserialize)]
struct TokenField {
    csrf: Option<String>,
}

/// A submitted form whose CSRF token and origin were checked; 403 page otherwise. Its body
/// (`application/x-www-form-urlencoded`) is read as `T`; a body that does not fit `T` is a 400
/// page.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        if !same_origin(&parts.headers) {
            return Err(PageError::Forbidden);
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| PageError::BadRequest)?;
        let field: TokenField =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::BadRequest)?;
        match field.csrf {
            Some(token) if session.csrf_matches(&token).await => {}
            _ => return Err(PageError::Forbidden),
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::BadRequest)?;
        Ok(Form(form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_bound_to_its_session_and_key() {
        let key = b"key of the site";
        let token = token(key, "session-a");
        assert!(verify(key, "session-a", &token));
        assert!(!verify(key, "session-b", &token));
        assert!(!verify(b"another key", "session-a", &token));
        assert!(!verify(key, "session-a", "not base64 !"));
        assert!(!verify(key, "session-a", ""));
    }

    #[test]
    fn only_requests_from_the_site_pass_the_origin_check() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, value.parse().unwrap_or_else(|_| unreachable!()));
            }
            map
        };
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://shop.example:8080"),
            ("host", "shop.example:8080"),
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "shop.example"),
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "null"),
            ("host", "shop.example")
        ])));
        assert!(same_origin(&headers(&[])));
    }
}

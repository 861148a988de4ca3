//! What can go wrong while serving a page, and the error pages: a handler answers a
//! [`PageError`]; the layer [`render_error_pages`] draws it in the site's layout and language,
//! with the request id for support and no internals.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use platform::client::ClientError;

use crate::layout::Layout;

/// Why a page could not be served.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Nothing here, or nothing this person may see (404).
    #[error("not found")]
    NotFound,
    /// Not allowed, or a form that did not come from this site (403).
    #[error("forbidden")]
    Forbidden,
    /// A request no page of the site sends (400).
    #[error("bad request")]
    BadRequest,
    /// The page needs a signed-in person: a redirect to the sign-in page.
    #[error("sign-in required")]
    SignIn,
    /// A service the page needs is down (503).
    #[error("a service is unavailable")]
    Unavailable,
    /// A bug or an unexpected answer (500); logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ClientError> for PageError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Unavailable { service, reason } => {
                tracing::warn!(service, reason, "a service the page needs is unavailable");
                PageError::Unavailable
            }
            unexpected @ ClientError::Unexpected { .. } => {
                PageError::Internal(anyhow::Error::new(unexpected))
            }
        }
    }
}

/// Which error page a response stands for; the layer draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorPage(pub StatusCode);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match self {
            PageError::SignIn => StatusCode::UNAUTHORIZED,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::BadRequest => StatusCode::BAD_REQUEST,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "a page failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(status));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

/// The sign-in page, with where to go after it.
pub fn login_path(next: &str) -> String {
    if next == "/" {
        return "/login".to_owned();
    }
    format!(
        "/login?{}",
        serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
    )
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorView {
    layout: Layout,
    status: u16,
    title: String,
    explanation: String,
}

/// Middleware: draws the error page of a [`PageError`] (and of axum's own 404 and 405) in the
/// layout of the request's language.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let layout = Layout::for_error(&mut parts).await;
    let is_get = parts.method == axum::http::Method::GET;
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = match response.extensions().get::<ErrorPage>() {
        // A page for signed-in people: sign in, then come back (to a page, not a form).
        Some(ErrorPage(StatusCode::UNAUTHORIZED)) => {
            let back = if is_get { layout.here.as_str() } else { "/" };
            return Redirect::to(&login_path(back)).into_response();
        }
        Some(ErrorPage(status)) => *status,
        None if response.status() == StatusCode::METHOD_NOT_ALLOWED
            && response.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            StatusCode::METHOD_NOT_ALLOWED
        }
        None => return response,
    };
    let key = match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::BAD_REQUEST => "error-bad-request",
        StatusCode::METHOD_NOT_ALLOWED => "error-method",
        StatusCode::SERVICE_UNAVAILABLE => "error-unavailable",
        _ => "error-internal",
    };
    let words = layout.words;
    let view = ErrorView {
        status: status.as_u16(),
        title: words.t(&format!("{key}-title")),
        explanation: words.t(&format!("{key}-text")),
        layout,
    };
    let mut page = match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "the error page did not render");
            status.into_response()
        }
    };
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

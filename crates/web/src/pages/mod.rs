//! The pages, one file per group, each a set of typed views (askama templates under
//! `templates/<group>/`) and the handlers that gather what they show. Forms post, then redirect
//! (303) to the page that shows the result; a form that failed is drawn again with the values
//! given and the errors beside their fields.

mod account;
mod admin;
mod cart;
mod catalog;
mod checkout;
mod orders;
mod support;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::State;
use crate::clients::Refusal;
use crate::error::PageError;

/// Every page of the site.
pub fn router() -> Router<State> {
    Router::new()
        .merge(catalog::router())
        .merge(cart::router())
        .merge(account::router())
        .merge(checkout::router())
        .merge(orders::router())
        .merge(support::router())
        .merge(admin::router())
}

/// A view drawn as an HTML answer.
fn render(view: &impl Template) -> Result<Response, PageError> {
    let html = view
        .render()
        .map_err(|error| PageError::Internal(anyhow::Error::new(error)))?;
    Ok(Html(html).into_response())
}

/// A view drawn as an HTML answer with `status` (a form drawn again with its errors).
fn render_with(
    status: axum::http::StatusCode,
    view: &impl Template,
) -> Result<Response, PageError> {
    let mut response = render(view)?;
    *response.status_mut() = status;
    Ok(response)
}

/// 303 to `path`.
fn see(path: impl AsRef<str>) -> Response {
    Redirect::to(path.as_ref()).into_response()
}

/// An id from a path: anything but a UUID is a page that does not exist.
fn parse_id(text: &str) -> Result<Uuid, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// Where to go after a form: only a path of this site (`/...`, not `//host`), else home.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The messages of a form, by field, shown beside the fields.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// The service's messages, under the names of the form's fields: `rename` maps a service
    /// field (`shipping_address.city`) to the form's (`city`); others keep their name.
    fn from_refusal(refusal: &Refusal, rename: &[(&str, &str)]) -> Self {
        let mut errors = BTreeMap::new();
        for error in &refusal.problem.errors {
            let field = rename
                .iter()
                .find(|(service, _)| *service == error.field)
                .map_or(error.field.as_str(), |(_, form)| form);
            errors
                .entry(field.to_owned())
                .or_insert_with(|| error.message.clone());
        }
        Self(errors)
    }

    /// One message for `field`.
    fn add(&mut self, field: &str, message: String) {
        self.0.insert(field.to_owned(), message);
    }

    /// The message for `field`, if any (templates: `{% if let Some(e) = errors.get("x") %}`).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every message, for the summary at the top of the form.
    pub fn all(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// A new idempotency key, rendered into a form that creates something of value.
fn idempotency_key() -> String {
    Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed_after_a_form() {
        assert_eq!(local_path(Some("/cart")), "/cart");
        assert_eq!(local_path(Some("/products?q=a")), "/products?q=a");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}

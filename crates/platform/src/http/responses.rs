//! Extractors and answers every service's handlers share: ids in the path, and 201 Created.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Json, etag};
use crate::ApiError;

/// The ids of a route's path (`IdPath<Uuid>`, `IdPath<(Uuid, Uuid)>`). A segment that is not a
/// UUID (or not even UTF-8, like `%ff`) names nothing, so it is a 404 problem document like an
/// unknown id, never axum's plain-text 400.
#[derive(Debug, Clone, Copy)]
pub struct IdPath<T>(pub T);

impl<T, S> FromRequestParts<S> for IdPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(ids)) => Ok(IdPath(ids)),
            Err(_) => Err(ApiError::NotFound),
        }
    }
}

/// A 201 answer: the new resource as JSON, where it can be read (`Location`, for resources with
/// a route of their own) and, for a versioned resource, its `ETag`.
#[derive(Debug)]
pub struct Created<T> {
    location: Option<String>,
    version: Option<i64>,
    body: T,
}

impl<T> Created<T> {
    /// `body`, readable at `location` (a path such as `/api/catalog/products/{id}`).
    pub fn at(location: impl Into<String>, body: T) -> Self {
        Self {
            location: Some(location.into()),
            ..Self::new(body)
        }
    }

    /// `body`, a part of another resource (read through that one).
    pub fn new(body: T) -> Self {
        Self {
            location: None,
            version: None,
            body,
        }
    }

    /// Adds the `ETag` of the resource's first version.
    #[must_use]
    pub fn with_version(mut self, version: i64) -> Self {
        self.version = Some(version);
        self
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        let mut response = (StatusCode::CREATED, Json(self.body)).into_response();
        let headers = response.headers_mut();
        // A location is built from ids and fixed paths: it is always a valid header value.
        if let Some(Ok(location)) = self.location.as_deref().map(HeaderValue::from_str) {
            headers.insert(header::LOCATION, location);
        }
        if let Some(version) = self.version {
            let (name, value) = etag(version);
            headers.insert(name, value);
        }
        response
    }
}

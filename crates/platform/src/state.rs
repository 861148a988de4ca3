//! The state every service's routes share: its own parts behind one `Arc`, so that a handler's
//! clone is a counter increment, and the token verifier found by [`Caller`](crate::auth::Caller)
//! through [`Verifies`].
//!
//! A service writes `pub type State = platform::State<Inner>;` with the fields it needs in
//! `Inner`, and `impl Verifies for Inner`; [`Built`] is what its `build` returns.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::Service;
use crate::auth::TokenVerifier;

/// A service's shared parts, cheap to clone; reads through to them.
pub struct State<T>(Arc<T>);

impl<T> State<T> {
    /// Shares `inner`.
    pub fn new(inner: T) -> Self {
        Self(Arc::new(inner))
    }
}

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Handlers take the state as it is (`state: State`), without axum's `State(..)` wrapper.
impl<T: Send + Sync> FromRequestParts<State<T>> for State<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &State<T>,
    ) -> Result<Self, Self::Rejection> {
        Ok(state.clone())
    }
}

/// A service state that holds the verifier of callers' tokens.
pub trait Verifies {
    /// The verifier.
    fn verifier(&self) -> &Arc<TokenVerifier>;
}

impl<T: Verifies> FromRef<State<T>> for Arc<TokenVerifier> {
    fn from_ref(state: &State<T>) -> Self {
        state.verifier().clone()
    }
}

/// A built service: what to compose into an app, and its state for work outside requests
/// (background tasks, tests).
pub struct Built<S> {
    /// The service.
    pub service: Service,
    /// Its state.
    pub state: S,
}

//! The address of the client, for brute-force limits and logs. Taken from the socket, or from
//! the first `X-Forwarded-For` hop when the process is configured to sit behind a proxy.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;

tokio::task_local! {
    /// The client address of the request this task serves, for the calls it makes to other
    /// services (they count brute-force attempts per client, not per calling service).
    static CURRENT: Option<IpAddr>;
}

/// The client address of the request being served on this task, if known.
pub fn current_client_address() -> Option<IpAddr> {
    CURRENT.try_with(|address| *address).ok().flatten()
}

/// The client's IP address, when it is known (in-process calls carry the caller's client's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddress>()
            .copied()
            .unwrap_or(ClientAddress(None)))
    }
}

/// Resolves the client address once and stores it in the request's extensions; answers it, for
/// [`with_client_address`].
pub(crate) fn settle_client_address(
    trust_forwarded_for: bool,
    request: &mut Request,
) -> Option<IpAddr> {
    let forwarded = trust_forwarded_for
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
                .and_then(|first| first.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    let socket = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    // An in-process call from another service brings its client's address along.
    let carried = request
        .extensions()
        .get::<ClientAddress>()
        .and_then(|c| c.0);
    let address = carried.or(forwarded).or(socket);
    request.extensions_mut().insert(ClientAddress(address));
    address
}

/// Runs `work` with `address` as the client address of this task.
pub(crate) async fn with_client_address<F: std::future::Future>(
    address: Option<IpAddr>,
    work: F,
) -> F::Output {
    CURRENT.scope(address, work).await
}

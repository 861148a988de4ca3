//! Per-client rate limits: a token bucket per client address (governor's GCRA), refilled at the
//! configured rate up to the burst. Over it, 429 with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use platform::error::ApiError;
use platform::http::ClientAddress;

use crate::Config;

/// The buckets, one per client address seen recently.
pub(crate) struct RateLimits {
    buckets: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl RateLimits {
    pub(crate) fn new(config: &Config) -> Self {
        let quota = Quota::per_second(config.rate_per_second).allow_burst(config.rate_burst);
        Self {
            buckets: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Forgets the buckets that are full again, so that memory follows the clients of the last
    /// moments, not all clients ever.
    pub(crate) fn prune(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

/// The middleware: takes a token from the client's bucket, or answers 429.
pub(crate) async fn limit(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    let client = request
        .extensions()
        .get::<ClientAddress>()
        .and_then(|address| address.0)
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        })
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match limits.buckets.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(limits.clock.now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
            .into_response()
        }
    }
}

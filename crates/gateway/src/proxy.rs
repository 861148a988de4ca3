//! Forwarding one request to a replica of its upstream, and its answer back: hop-by-hop headers
//! stripped both ways, `X-Forwarded-*` and `x-request-id` set, bodies streamed both ways under
//! the body limit, an unreachable upstream a 503 problem document.

use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::{PathAndQuery, Uri};
use http_body_util::{LengthLimitError, Limited};
use hyper::body::Body as _;
use platform::error::ApiError;
use platform::http::{REQUEST_ID_HEADER, RequestId};

use crate::Gateway;
use crate::upstreams::Pool;

/// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The fallback of the gateway's router: every path its own routes do not answer.
pub(crate) async fn forward(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let Some(pool) = gateway.route(request.uri().path()) else {
        return ApiError::NotFound.into_response();
    };
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > gateway.body_limit as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let request_id = request.extensions().get::<RequestId>().cloned();
    let (parts, body) = request.into_parts();
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    set_forwarded(&mut headers, peer, gateway.trust_forwarded);
    if let Some(RequestId(id)) = request_id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    let path = parts
        .uri
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| PathAndQuery::from_static("/"));
    // A request without a body can go to another replica when the first cannot be reached; one
    // with a body is sent once, as its body streams and cannot be read twice.
    let bodiless = body.is_end_stream();
    let mut body = Some(Body::new(Limited::new(body, gateway.body_limit)));
    for replica in pool.order() {
        let Some(this_body) = body.take().or_else(|| bodiless.then(Body::empty)) else {
            break;
        };
        let mut upstream = http::Request::new(this_body);
        *upstream.method_mut() = parts.method.clone();
        *upstream.uri_mut() = upstream_uri(&replica.base, &path);
        *upstream.headers_mut() = headers.clone();
        match gateway.client.request(upstream).await {
            Ok(response) => {
                pool.answered(replica);
                let (mut parts, incoming) = response.into_parts();
                strip_hop_by_hop(&mut parts.headers);
                return Response::from_parts(parts, Body::new(incoming));
            }
            Err(error) if is_body_too_large(&error) => {
                return ApiError::PayloadTooLarge.into_response();
            }
            Err(error) => {
                tracing::warn!(upstream = pool.name, replica = %replica.base, error = %error_chain(&error), "upstream request failed");
                pool.failed(replica);
                if !error.is_connect() {
                    // The request may have reached the replica: never send it twice.
                    break;
                }
            }
        }
    }
    unavailable(pool)
}

fn unavailable(pool: &Pool) -> Response {
    ApiError::Unavailable {
        reason: format!("the {} service cannot be reached", pool.name),
        retry_after_secs: 1,
    }
    .into_response()
}

/// `base` (scheme and authority) with the request's path and query.
fn upstream_uri(base: &Uri, path: &PathAndQuery) -> Uri {
    let mut parts = base.clone().into_parts();
    parts.path_and_query = Some(path.clone());
    Uri::from_parts(parts).unwrap_or_else(|_| base.clone())
}

/// Removes the hop-by-hop headers, and those the `Connection` header names.
pub(crate) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// Sets `X-Forwarded-For`, `-Proto` and `-Host`. A client's own values are kept (and the peer
/// appended to `-For`) only when the gateway trusts the proxy in front of it; otherwise they
/// are replaced, so that nobody can claim another address through the gateway.
pub(crate) fn set_forwarded(headers: &mut HeaderMap, peer: Option<IpAddr>, trust: bool) {
    let prior_for: Vec<String> = if trust {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
    let chain = prior_for
        .into_iter()
        .chain(peer.map(|peer| peer.to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    match HeaderValue::from_str(&chain) {
        Ok(value) if !chain.is_empty() => {
            headers.insert("x-forwarded-for", value);
        }
        _ => {
            headers.remove("x-forwarded-for");
        }
    }
    if !(trust && headers.contains_key("x-forwarded-proto")) {
        headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
    }
    if !(trust && headers.contains_key("x-forwarded-host")) {
        match headers.get(header::HOST).cloned() {
            Some(host) => headers.insert("x-forwarded-host", host),
            None => headers.remove("x-forwarded-host"),
        };
    }
}

/// Whether the request failed because its body went over the limit while streaming.
fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current.is::<LengthLimitError>() {
            return true;
        }
        cause = current.source();
    }
    false
}

fn error_chain(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        text.push_str(": ");
        text.push_str(&current.to_string());
        cause = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use http::header::{HeaderMap, HeaderValue};

    use super::{set_forwarded, strip_hop_by_hop};

    const PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn get<'a>(map: &'a HeaderMap, name: &str) -> Option<&'a str> {
        map.get(name).and_then(|value| value.to_str().ok())
    }

    #[test]
    fn hop_by_hop_headers_and_those_named_by_connection_are_dropped() {
        let mut map = headers(&[
            ("connection", "keep-alive, x-secret"),
            ("keep-alive", "timeout=5"),
            ("x-secret", "1"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "websocket"),
            ("accept", "text/html"),
        ]);
        strip_hop_by_hop(&mut map);
        let left: Vec<&str> = map.keys().map(|name| name.as_str()).collect();
        assert_eq!(left, vec!["accept"]);
    }

    #[test]
    fn a_client_cannot_claim_another_address_unless_the_proxy_before_is_trusted() {
        let sent = [
            ("x-forwarded-for", "198.51.100.1"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "evil.example"),
            ("host", "shop.example"),
        ];
        let mut untrusted = headers(&sent);
        set_forwarded(&mut untrusted, Some(PEER), false);
        assert_eq!(get(&untrusted, "x-forwarded-for"), Some("203.0.113.7"));
        assert_eq!(get(&untrusted, "x-forwarded-proto"), Some("http"));
        assert_eq!(get(&untrusted, "x-forwarded-host"), Some("shop.example"));

        let mut trusted = headers(&sent);
        set_forwarded(&mut trusted, Some(PEER), true);
        assert_eq!(
            get(&trusted, "x-forwarded-for"),
            Some("198.51.100.1, 203.0.113.7")
        );
        assert_eq!(get(&trusted, "x-forwarded-proto"), Some("https"));
        assert_eq!(get(&trusted, "x-forwarded-host"), Some("evil.example"));
    }
}

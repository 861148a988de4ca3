//! Calling another Tienda service: one client, two transports.
//!
//! A [`ServiceClient`] is written against `tower::Service<Request<Body>>`. In embedded mode it
//! calls the other service's `Router` in process (no socket, no port); in distributed mode it
//! sends HTTP to the service's URL. Either way the request is the same HTTP request, serialized
//! the same way, and answers with the same statuses and problem documents, so a caller's code
//! and tests do not depend on the mode.
//!
//! The request id of the request being served goes along (`x-request-id`), so does its client's
//! address (for per-client limits), and every call has a deadline. A service that cannot be reached, times out or answers 5xx is
//! [`ClientError::Unavailable`], which the caller turns into its own 503; 4xx answers are
//! returned as [`Reply`]s for the caller to interpret, since only it knows what a 409 from the
//! other service means for its own request.
//!
//! [`ServiceTokens`] keeps a service token from identity (`POST /api/identity/service-tokens`)
//! and renews it before it expires.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::body::Bytes;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::error::ApiError;
use crate::http::current_request_id;

/// How long a call may take, connection included.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from another service.
const MAX_REPLY_BYTES: usize = 4 * 1024 * 1024;
/// A token is renewed when it has less than this left.
const TOKEN_RENEWAL_MARGIN: Duration = Duration::from_secs(60);

/// Why a call did not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service could not be reached, timed out, or failed (5xx).
    #[error("the {service} service is unavailable: {reason}")]
    Unavailable {
        /// Which service.
        service: &'static str,
        /// What happened, for the log.
        reason: String,
    },
    /// The service answered something this client cannot read (a contract mismatch).
    #[error("the {service} service answered {status} with an unexpected body: {reason}")]
    Unexpected {
        /// Which service.
        service: &'static str,
        /// The status it answered.
        status: StatusCode,
        /// What did not parse.
        reason: String,
    },
}

impl From<ClientError> for ApiError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Unavailable { service, reason } => {
                tracing::warn!(
                    service,
                    reason,
                    "a service this request needs is unavailable"
                );
                ApiError::Unavailable {
                    reason: format!("The {service} service is unavailable; retry shortly."),
                    retry_after_secs: 5,
                }
            }
            unexpected @ ClientError::Unexpected { .. } => {
                ApiError::Internal(anyhow::Error::new(unexpected))
            }
        }
    }
}

type Transport = BoxCloneSyncService<Request<Body>, Response<Body>, String>;

/// A client of one other service. Cheap to clone.
#[derive(Clone)]
pub struct ServiceClient {
    service: &'static str,
    base_url: String,
    transport: Transport,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("service", &self.service)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// An answer from another service.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Its status.
    pub status: StatusCode,
    /// Its body.
    pub body: Bytes,
    service: &'static str,
}

impl Reply {
    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body).map_err(|error| ClientError::Unexpected {
            service: self.service,
            status: self.status,
            reason: error.to_string(),
        })
    }

    /// A 2xx answer as `T`; anything else is unexpected.
    pub fn success<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        if self.status.is_success() {
            self.json()
        } else {
            Err(self.unexpected())
        }
    }

    /// This answer, as one the caller did not expect (with the start of its body).
    pub fn unexpected(&self) -> ClientError {
        ClientError::Unexpected {
            service: self.service,
            status: self.status,
            reason: String::from_utf8_lossy(&self.body)
                .chars()
                .take(500)
                .collect(),
        }
    }
}

impl ServiceClient {
    /// Calls `router` in this process (embedded mode).
    pub fn in_process(service: &'static str, router: Router) -> Self {
        let transport = ServiceExt::<Request<Body>>::map_err(router, |never| match never {});
        Self {
            service,
            base_url: String::new(),
            transport: BoxCloneSyncService::new(transport),
        }
    }

    /// Sends HTTP to `base_url` (distributed mode), e.g. `http://catalog:8080`.
    pub fn http(service: &'static str, base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .build()
            .unwrap_or_default();
        let transport = tower::service_fn(move |request: Request<Body>| {
            let client = client.clone();
            async move { send_http(&client, request).await }
        });
        Self {
            service,
            base_url: base_url.trim_end_matches('/').to_owned(),
            transport: BoxCloneSyncService::new(transport),
        }
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<Reply, ClientError> {
        self.call_with_headers(method, path, bearer, &[], body)
            .await
    }

    /// As [`ServiceClient::call`], with more headers (`Idempotency-Key`, `If-Match`, a cart
    /// token). A header whose value is not a valid header value is left out.
    pub async fn call_with_headers(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        headers: &[(&'static str, &str)],
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<Reply, ClientError> {
        let unavailable = |reason: String| ClientError::Unavailable {
            service: self.service,
            reason,
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base_url))
            .header(header::ACCEPT, "application/json");
        if let Some(id) = current_request_id()
            && let Ok(value) = HeaderValue::from_str(&id)
        {
            builder = builder.header(crate::http::REQUEST_ID_HEADER, value);
        }
        if let Some(token) = bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                builder = builder.header(*name, value);
            }
        }
        // The client this request serves goes along: as an extension in process, as
        // `X-Forwarded-For` over HTTP (honoured where TIENDA_TRUST_FORWARDED_FOR is set).
        if let Some(address) = crate::http::current_client_address() {
            builder = builder
                .extension(crate::http::ClientAddress(Some(address)))
                .header("x-forwarded-for", address.to_string());
        }
        let request = match body {
            Some(body) => {
                let bytes = serde_json::to_vec(body).map_err(|error| {
                    unavailable(format!("cannot serialize the request: {error}"))
                })?;
                builder
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(bytes))
            }
            None => builder.body(Body::empty()),
        }
        .map_err(|error| unavailable(format!("cannot build the request: {error}")))?;
        let mut transport = self.transport.clone();
        let exchange = async {
            let response = transport.ready().await?.call(request).await?;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), MAX_REPLY_BYTES)
                .await
                .map_err(|error| format!("cannot read the answer: {error}"))?;
            Ok::<_, String>((status, body))
        };
        let (status, body) = tokio::time::timeout(CALL_TIMEOUT, exchange)
            .await
            .map_err(|_| unavailable(format!("no answer within {CALL_TIMEOUT:?}")))?
            .map_err(unavailable)?;
        if status.is_server_error() {
            return Err(unavailable(format!(
                "answered {status}: {}",
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            )));
        }
        Ok(Reply {
            status,
            body,
            service: self.service,
        })
    }
}

async fn send_http(
    client: &reqwest::Client,
    request: Request<Body>,
) -> Result<Response<Body>, String> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|error| format!("cannot read the request body: {error}"))?
        .to_bytes();
    let response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|error| format!("{error}"))?;
    let mut builder = Response::builder().status(response.status());
    if let Some(headers) = builder.headers_mut() {
        headers.extend(response.headers().clone());
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|error| format!("cannot read the answer: {error}"))?;
    builder
        .body(Body::from(bytes))
        .map_err(|error| format!("cannot build the answer: {error}"))
}

/// A service token from identity, kept and renewed before it expires.
pub struct ServiceTokens {
    identity: ServiceClient,
    service: &'static str,
    secret: SecretString,
    current: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for ServiceTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceTokens")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct IssuedToken {
    access_token: String,
    expires_in: u64,
}

impl ServiceTokens {
    /// Tokens for `service`, asked of `identity` with `secret`.
    pub fn new(identity: ServiceClient, service: &'static str, secret: SecretString) -> Self {
        Self {
            identity,
            service,
            secret,
            current: Mutex::new(None),
        }
    }

    /// A token valid for at least a minute more.
    pub async fn token(&self) -> Result<String, ClientError> {
        let mut current = self.current.lock().await;
        if let Some((token, expires)) = current.as_ref()
            && Instant::now() + TOKEN_RENEWAL_MARGIN < *expires
        {
            return Ok(token.clone());
        }
        let reply = self
            .identity
            .call(
                Method::POST,
                "/api/identity/service-tokens",
                None,
                Some(&serde_json::json!({
                    "service": self.service,
                    "secret": self.secret.expose_secret(),
                })),
            )
            .await?;
        if reply.status == StatusCode::UNAUTHORIZED {
            tracing::error!(
                service = self.service,
                "identity refused the service secret: set the same TIENDA_SERVICE_SECRET for identity and this service"
            );
        }
        let issued: IssuedToken = reply.success()?;
        let expires = Instant::now() + Duration::from_secs(issued.expires_in);
        *current = Some((issued.access_token.clone(), expires));
        Ok(issued.access_token)
    }

    /// Forgets the token (the other service refused it: the key or secret changed).
    pub async fn forget(&self) {
        *self.current.lock().await = None;
    }
}

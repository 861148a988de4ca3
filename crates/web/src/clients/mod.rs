//! The services the website calls, through typed clients over [`ServiceClient`] (in process
//! embedded, HTTP distributed): one file per service, with the shapes from
//! `contracts::clients`. A service that is down is a 503 page; a refusal (4xx) comes back as a
//! [`Refusal`] for the page to explain.

mod cache;
mod catalog;
mod customers;
mod identity;
mod orders;
mod support;

use axum::http::{Method, StatusCode};
use contracts::clients::DeadLetter;
use platform::client::{ClientError, Reply, ServiceClient};
use platform::error::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use catalog::{CatalogClient, ProductQuery};
pub use customers::CustomersClient;
pub use identity::IdentityClient;
pub use orders::{CheckoutOutcome, OrderFilter, OrdersClient, Shopper};
pub use support::{QueueFilter, SupportClient};

use crate::error::PageError;

/// A client of each service the website calls.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Accounts and sign-in.
    pub identity: IdentityClient,
    /// Products, categories, reviews.
    pub catalog: CatalogClient,
    /// Carts, checkout, orders.
    pub orders: OrdersClient,
    /// The customer's record and contracted services.
    pub customers: CustomersClient,
    /// Incidents.
    pub support: SupportClient,
}

impl Clients {
    /// Clients over the given transports, one per service.
    pub fn new(
        identity: ServiceClient,
        catalog: ServiceClient,
        orders: ServiceClient,
        customers: ServiceClient,
        support: ServiceClient,
    ) -> Self {
        Self {
            identity: IdentityClient(identity),
            catalog: CatalogClient {
                client: catalog,
                cache: Default::default(),
            },
            orders: OrdersClient(orders),
            customers: CustomersClient(customers),
            support: SupportClient(support),
        }
    }
}

/// A service's "no" (a 4xx answer), with its problem document.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The status.
    pub status: StatusCode,
    /// What the service said.
    pub problem: Problem,
}

impl Refusal {
    /// Whether the problem's type ends with `kind` (`insufficient-stock`).
    pub fn is(&self, kind: &str) -> bool {
        self.problem.kind.ends_with(kind)
    }

    /// The message of the field `field`, if the service named it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.problem
            .errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

/// Why a call did not give what the page asked for.
#[derive(Debug)]
pub enum CallError {
    /// The service refused (4xx).
    Refused(Box<Refusal>),
    /// The service is down, or answered what the site cannot read.
    Failed(PageError),
}

impl From<ClientError> for CallError {
    fn from(error: ClientError) -> Self {
        CallError::Failed(PageError::from(error))
    }
}

impl From<CallError> for PageError {
    /// A refusal the page did not handle: 404 and 403 pages, 401 asks to sign in again;
    /// anything else is unexpected.
    fn from(error: CallError) -> Self {
        match error {
            CallError::Failed(error) => error,
            CallError::Refused(refusal) => match refusal.status {
                StatusCode::NOT_FOUND => PageError::NotFound,
                StatusCode::FORBIDDEN => PageError::Forbidden,
                StatusCode::UNAUTHORIZED => PageError::SignIn,
                status => PageError::Internal(anyhow::anyhow!(
                    "a service refused with {status}: {:?}",
                    refusal.problem
                )),
            },
        }
    }
}

/// A call's headers beyond the bearer token.
type Headers<'a> = &'a [(&'static str, &'a str)];

/// Sends a call and reads a 2xx answer as `T`, or the refusal.
async fn exchange<T: DeserializeOwned>(
    client: &ServiceClient,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    headers: Headers<'_>,
    body: Option<&(impl Serialize + Sync)>,
) -> Result<T, CallError> {
    let reply = client
        .call_with_headers(method, path, bearer, headers, body)
        .await?;
    read(reply)
}

/// A 2xx answer as `T`; a 4xx as its refusal.
fn read<T: DeserializeOwned>(reply: Reply) -> Result<T, CallError> {
    if reply.status.is_success() {
        return Ok(reply.json()?);
    }
    Err(refusal(&reply))
}

fn refusal(reply: &Reply) -> CallError {
    match reply.json::<Problem>() {
        Ok(problem) => CallError::Refused(Box::new(Refusal {
            status: reply.status,
            problem,
        })),
        Err(error) => CallError::from(error),
    }
}

/// The body of a call without one.
const NO_BODY: Option<&()> = None;

/// Sends a call without a body whose 2xx answer has nothing worth reading (204, a deletion).
async fn act(
    client: &ServiceClient,
    method: Method,
    path: &str,
    bearer: &str,
) -> Result<(), CallError> {
    let reply = client.call(method, path, Some(bearer), NO_BODY).await?;
    if reply.status.is_success() {
        Ok(())
    } else {
        Err(refusal(&reply))
    }
}

/// The dead letters of the consuming service behind `client`, whose routes are under `prefix`
/// (administrators).
async fn dead_letters(
    client: &ServiceClient,
    prefix: &str,
    token: &str,
) -> Result<Vec<DeadLetter>, CallError> {
    let path = format!("{prefix}/dead-letters");
    exchange(client, Method::GET, &path, Some(token), &[], NO_BODY).await
}

/// Sends one of those dead letters back to its handler.
async fn replay(
    client: &ServiceClient,
    prefix: &str,
    token: &str,
    id: uuid::Uuid,
) -> Result<(), CallError> {
    let path = format!("{prefix}/dead-letters/{id}/replay");
    act(client, Method::POST, &path, token).await
}

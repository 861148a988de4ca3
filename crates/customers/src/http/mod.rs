//! Customers' HTTP edge: one file per resource, composed under `/api/customers`.

mod customers;
mod error;
mod me;
mod privacy;
mod services;

use axum::http::{HeaderName, HeaderValue};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::State;
use crate::domain::customer::{Address, CustomerStatus, format_date};
use crate::domain::service::ServiceStatus;
use crate::store::{ContractedService, Customer, StatusChange};

/// Where the routes live.
pub const PREFIX: &str = "/api/customers";

/// Every route, with the OpenAPI document.
pub(crate) fn router(state: State) -> (axum::Router, utoipa::openapi::OpenApi) {
    // `me` first: its static path must not be read as an id.
    let routes = OpenApiRouter::new()
        .merge(me::router())
        .merge(customers::router())
        .merge(services::router())
        .merge(privacy::router())
        .merge(platform::events::dead_letters::router(
            state.database.clone(),
            state.verifier.clone(),
        ));
    OpenApiRouter::new()
        .nest(PREFIX, routes)
        .with_state(state)
        .split_for_parts()
}

/// A customer record as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    /// The record id.
    pub id: Uuid,
    /// The linked account, if any.
    pub user_id: Option<Uuid>,
    /// Given name.
    pub given_name: String,
    /// Family name (may be empty).
    pub family_name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// `active`, `deleted` (restorable) or `erased`.
    pub status: CustomerStatus,
    /// The version, also sent as `ETag`.
    pub version: i64,
    /// Created (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// Last changed (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// When deleted, if it is.
    #[serde(with = "time::serde::rfc3339::option")]
    pub deleted_at: Option<time::OffsetDateTime>,
}

impl CustomerView {
    /// The `ETag` header of this version.
    pub fn etag(&self) -> (HeaderName, HeaderValue) {
        platform::http::etag(self.version)
    }
}

impl From<Customer> for CustomerView {
    fn from(customer: Customer) -> Self {
        Self {
            id: customer.id,
            user_id: customer.user_id,
            given_name: customer.given_name,
            family_name: customer.family_name,
            email: customer.email,
            phone: customer.phone,
            birth_date: customer.birth_date.map(format_date),
            addresses: customer.addresses,
            status: customer.status,
            version: customer.version,
            created_at: customer.created_at,
            updated_at: customer.updated_at,
            deleted_at: customer.deleted_at,
        }
    }
}

/// One status change of a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeView {
    /// Before; `null` when the service was added.
    pub from: Option<ServiceStatus>,
    /// After.
    pub to: ServiceStatus,
    /// When (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    /// Who, when known.
    pub by: Option<Uuid>,
}

/// A contracted service as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceView {
    /// The service id.
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// What it is.
    pub name: String,
    /// Its plan.
    pub plan: Option<String>,
    /// Contracted on, `YYYY-MM-DD`.
    pub started_on: String,
    /// Ends on, `YYYY-MM-DD`.
    pub ends_on: Option<String>,
    /// Its status.
    pub status: ServiceStatus,
    /// The version, also sent as `ETag`.
    pub version: i64,
    /// Every status it has had, oldest first.
    pub history: Vec<StatusChangeView>,
}

impl ServiceView {
    /// A service with its history.
    pub fn new(service: ContractedService, history: Vec<StatusChange>) -> Self {
        Self {
            id: service.id,
            customer_id: service.customer_id,
            name: service.name,
            plan: service.plan,
            started_on: format_date(service.started_on),
            ends_on: service.ends_on.map(format_date),
            status: service.status,
            version: service.version,
            history: history
                .into_iter()
                .map(|change| StatusChangeView {
                    from: change.from,
                    to: change.to,
                    at: change.at,
                    by: change.by,
                })
                .collect(),
        }
    }
}

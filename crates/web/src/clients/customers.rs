//! Customers: the caller's own record, its contracted services, its data export.

use axum::http::Method;
use contracts::clients::customers::{ContractedService, Customer, OwnChange};
use platform::client::ServiceClient;
use uuid::Uuid;

use super::{CallError, NO_BODY, exchange, refusal};

const PREFIX: &str = "/api/customers";

/// A client of the customers service.
#[derive(Debug, Clone)]
pub struct CustomersClient(pub(super) ServiceClient);

impl CustomersClient {
    /// The caller's own record.
    pub async fn me(&self, token: &str) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/me");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Changes the caller's record, if it is still at `version` (else 412).
    pub async fn change_me(
        &self,
        token: &str,
        version: i64,
        change: &OwnChange,
    ) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/me");
        let if_match = format!("\"{version}\"");
        let headers = [("if-match", if_match.as_str())];
        exchange(
            &self.0,
            Method::PATCH,
            &path,
            Some(token),
            &headers,
            Some(change),
        )
        .await
    }

    /// The customer record `id` (staff).
    pub async fn record(&self, token: &str, id: Uuid) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/{id}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// The services the customer `id` has contracted.
    pub async fn services(
        &self,
        token: &str,
        id: Uuid,
    ) -> Result<Vec<ContractedService>, CallError> {
        let path = format!("{PREFIX}/{id}/services");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Everything kept about the customer `id`, as one JSON document.
    pub async fn export(&self, token: &str, id: Uuid) -> Result<axum::body::Bytes, CallError> {
        let path = format!("{PREFIX}/{id}/export");
        let reply = self
            .0
            .call(Method::GET, &path, Some(token), NO_BODY)
            .await?;
        if reply.status.is_success() {
            Ok(reply.body)
        } else {
            Err(refusal(&reply))
        }
    }
}

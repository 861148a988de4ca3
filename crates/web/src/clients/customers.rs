//! Customers: the caller's own record, its contracted services, its data export.

use axum::http::Method;
use contracts::clients::customers::{AuditEntry, ContractedService, Customer, OwnChange};
use contracts::clients::{DeadLetter, Page};
use platform::client::ServiceClient;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{CallError, NO_BODY, act, dead_letters, exchange, refusal, replay};

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

    /// A page of customer records whose name, email or phone holds `q` (staff); deleted ones
    /// too when `deleted`.
    pub async fn search(
        &self,
        token: &str,
        q: &str,
        deleted: bool,
        cursor: Option<&str>,
    ) -> Result<Page<Customer>, CallError> {
        #[derive(serde::Serialize)]
        struct SearchQuery<'a> {
            limit: u32,
            #[serde(skip_serializing_if = "str::is_empty")]
            q: &'a str,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            include_deleted: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        let query = SearchQuery {
            limit: 50,
            q,
            include_deleted: deleted,
            cursor,
        };
        let path = format!(
            "{PREFIX}?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        );
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Changes the record `id` (staff), if it is still at `version` (else 412).
    pub async fn change(
        &self,
        token: &str,
        id: Uuid,
        version: i64,
        change: &Value,
    ) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/{id}");
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

    /// Deletes the record `id` (it can be restored for a while).
    pub async fn delete(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        act(&self.0, Method::DELETE, &format!("{PREFIX}/{id}"), token).await
    }

    /// Restores the deleted record `id`.
    pub async fn restore(&self, token: &str, id: Uuid) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/{id}/restore");
        exchange(&self.0, Method::POST, &path, Some(token), &[], NO_BODY).await
    }

    /// Erases the personal data of the record `id` (administrators).
    pub async fn erase(&self, token: &str, id: Uuid) -> Result<Customer, CallError> {
        let path = format!("{PREFIX}/{id}/erase");
        exchange(&self.0, Method::POST, &path, Some(token), &[], NO_BODY).await
    }

    /// The latest entries of the record's audit trail, oldest first.
    pub async fn history(&self, token: &str, id: Uuid) -> Result<Page<AuditEntry>, CallError> {
        let path = format!("{PREFIX}/{id}/history?limit=100");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Records a service the customer `id` contracted.
    pub async fn add_service(
        &self,
        token: &str,
        id: Uuid,
        service: &Value,
    ) -> Result<ContractedService, CallError> {
        let path = format!("{PREFIX}/{id}/services");
        exchange(
            &self.0,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(service),
        )
        .await
    }

    /// Moves a contracted service to `status`.
    pub async fn service_status(
        &self,
        token: &str,
        id: Uuid,
        service: Uuid,
        status: &str,
    ) -> Result<ContractedService, CallError> {
        let path = format!("{PREFIX}/{id}/services/{service}");
        let body = json!({ "status": status });
        exchange(&self.0, Method::PATCH, &path, Some(token), &[], Some(&body)).await
    }

    /// Events this service failed to handle (administrators).
    pub async fn dead_letters(&self, token: &str) -> Result<Vec<DeadLetter>, CallError> {
        dead_letters(&self.0, PREFIX, token).await
    }

    /// Sends one of them back to its handler.
    pub async fn replay(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        replay(&self.0, PREFIX, token, id).await
    }
}

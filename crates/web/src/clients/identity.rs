//! Identity: register, sign in, renew, sign out, change the password.

use axum::http::Method;
use contracts::clients::Page;
use contracts::clients::identity::{
    Account, Credentials, PasswordChange, RefreshRequest, Registration, TokenPair,
};
use platform::client::ServiceClient;
use uuid::Uuid;

use super::{CallError, NO_BODY, exchange, refusal};

const PREFIX: &str = "/api/identity";

/// A client of the identity service.
#[derive(Debug, Clone)]
pub struct IdentityClient(pub(super) ServiceClient);

impl IdentityClient {
    /// Makes a customer account.
    pub async fn register(&self, registration: &Registration) -> Result<Account, CallError> {
        let path = format!("{PREFIX}/register");
        exchange(&self.0, Method::POST, &path, None, &[], Some(registration)).await
    }

    /// Signs in.
    pub async fn login(&self, credentials: &Credentials) -> Result<TokenPair, CallError> {
        let path = format!("{PREFIX}/login");
        exchange(&self.0, Method::POST, &path, None, &[], Some(credentials)).await
    }

    /// Trades a refresh token for a new pair.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, CallError> {
        let path = format!("{PREFIX}/refresh");
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        exchange(&self.0, Method::POST, &path, None, &[], Some(&body)).await
    }

    /// The account of `token`.
    pub async fn me(&self, token: &str) -> Result<Account, CallError> {
        let path = format!("{PREFIX}/me");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Ends the session of `token` in identity.
    pub async fn logout(&self, token: &str) -> Result<(), CallError> {
        let path = format!("{PREFIX}/logout");
        let reply = self
            .0
            .call(Method::POST, &path, Some(token), NO_BODY)
            .await?;
        if reply.status.is_success() {
            Ok(())
        } else {
            Err(refusal(&reply))
        }
    }

    /// Changes the password (identity ends the other sessions).
    pub async fn change_password(
        &self,
        token: &str,
        change: &PasswordChange,
    ) -> Result<(), CallError> {
        let path = format!("{PREFIX}/me/password");
        let reply = self
            .0
            .call(Method::PUT, &path, Some(token), Some(change))
            .await?;
        if reply.status.is_success() {
            Ok(())
        } else {
            Err(refusal(&reply))
        }
    }

    /// A page of accounts (administrators), oldest first: with `role` when given, whose email
    /// holds `email` when not empty.
    pub async fn users(
        &self,
        token: &str,
        role: Option<&str>,
        email: &str,
        cursor: Option<&str>,
    ) -> Result<Page<Account>, CallError> {
        #[derive(serde::Serialize)]
        struct UserQuery<'a> {
            limit: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            role: Option<&'a str>,
            #[serde(skip_serializing_if = "str::is_empty")]
            email: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        let query = UserQuery {
            limit: 50,
            role,
            email,
            cursor,
        };
        let path = format!(
            "{PREFIX}/users?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        );
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Gives an account another role (its sessions end).
    pub async fn set_role(&self, token: &str, id: Uuid, role: &str) -> Result<Account, CallError> {
        let path = format!("{PREFIX}/users/{id}");
        let body = serde_json::json!({ "role": role });
        exchange(&self.0, Method::PATCH, &path, Some(token), &[], Some(&body)).await
    }

    /// Deletes an account.
    pub async fn delete_user(&self, token: &str, id: Uuid) -> Result<(), CallError> {
        super::act(
            &self.0,
            Method::DELETE,
            &format!("{PREFIX}/users/{id}"),
            token,
        )
        .await
    }
}

//! What the website sends to and reads from identity.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/identity/register`.
#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    /// The account's email.
    pub email: String,
    /// Its password (8 to 128 characters, not a common one).
    pub password: String,
    /// The name shown.
    pub name: String,
}

/// `POST /api/identity/login`.
#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    /// The account's email.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// `POST /api/identity/refresh`.
#[derive(Debug, Clone, Serialize)]
pub struct RefreshRequest {
    /// The refresh token to trade (it stops working).
    pub refresh_token: String,
}

/// What a login or a refresh answers.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenPair {
    /// The access token, for `Authorization: Bearer`.
    pub access_token: String,
    /// Its lifetime in seconds.
    pub expires_in: u64,
    /// The opaque refresh token (rotated on use).
    pub refresh_token: String,
}

/// The caller's account, as `GET /api/identity/me` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    /// Its id.
    pub id: Uuid,
    /// Its email.
    pub email: String,
    /// The name shown.
    pub name: String,
    /// `customer`, `seller`, `agent` or `admin`.
    pub role: String,
}

/// `PUT /api/identity/me/password`.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one.
    pub new_password: String,
}

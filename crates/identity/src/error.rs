//! Identity's errors, named by meaning (`http/error.rs` maps them to HTTP).
//!
//! Handlers return `Result<_, ApiError>` and use `?` on these; the status of each is decided in
//! the single `match` below.

use platform::FieldError;

use crate::app::hashing::HashError;
use crate::store::StoreError;

/// Everything identity refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid fields in a request.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The email is taken.
    #[error("the email is already registered")]
    DuplicateEmail,
    /// Unknown email or wrong password: deliberately one error.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failures for this account or address.
    #[error("locked for {retry_after_secs} s")]
    Locked {
        /// Seconds until the lock ends.
        retry_after_secs: u64,
    },
    /// A service token was asked for with a wrong secret, or none is configured.
    #[error("invalid service credentials")]
    InvalidServiceCredentials,
    /// The refresh token is unknown, expired or of an ended session.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A refresh token was presented again after rotation: the session is revoked.
    #[error("refresh token reused")]
    RefreshTokenReused,
    /// The change would leave no administrator.
    #[error("the last administrator cannot lose the role")]
    LastAdmin,
    /// An administrator tried to delete their own account.
    #[error("cannot delete your own account")]
    SelfDeletion,
    /// No such user (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The password hasher's queue is full.
    #[error("busy")]
    Busy,
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Anything unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::DuplicateEmail => Error::DuplicateEmail,
            StoreError::Database(error) => Error::Database(error),
            StoreError::Corrupt(error) => Error::Internal(error),
        }
    }
}

impl From<HashError> for Error {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => Error::Busy,
            HashError::Internal(error) => Error::Internal(error),
        }
    }
}

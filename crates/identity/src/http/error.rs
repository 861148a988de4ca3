//! The identity service's errors as HTTP answers: the one place its errors meet status codes
//! and problem documents.

use platform::ApiError;

use crate::error::Error;

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => ApiError::Validation(fields),
            Error::DuplicateEmail => {
                ApiError::Conflict("An account with this email already exists.".to_owned())
            }
            Error::InvalidCredentials => {
                ApiError::Unauthorized("The email or password is incorrect.".to_owned())
            }
            Error::Locked { retry_after_secs } => ApiError::TooManyRequests { retry_after_secs },
            Error::InvalidServiceCredentials => {
                ApiError::Unauthorized("The service name or secret is incorrect.".to_owned())
            }
            Error::InvalidRefreshToken => ApiError::Unauthorized(
                "The refresh token is invalid or expired; log in again.".to_owned(),
            ),
            Error::RefreshTokenReused => ApiError::Unauthorized(
                "This refresh token was already used; the session has been ended. Log in again."
                    .to_owned(),
            ),
            Error::LastAdmin => ApiError::Conflict(
                "This is the last administrator; make another one first.".to_owned(),
            ),
            Error::SelfDeletion => ApiError::Conflict(
                "You cannot delete your own account; ask another administrator.".to_owned(),
            ),
            Error::NotFound => ApiError::NotFound,
            Error::Busy => ApiError::Unavailable {
                reason: "Too many sign-ins are being processed; retry shortly.".to_owned(),
                retry_after_secs: 1,
            },
            Error::Database(error) => ApiError::from(error),
            Error::Internal(error) => ApiError::Internal(error),
        }
    }
}

//! Identity's types and rules, free of I/O. A value of these types is valid by construction.

pub mod name;
pub mod password;
pub mod throttle;

pub use contracts::email::{self, Email};
pub use name::DisplayName;
pub use password::NewPassword;

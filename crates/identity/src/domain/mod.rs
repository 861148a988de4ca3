//! Identity's types and rules, free of I/O. A value of these types is valid by construction.

pub mod email;
pub mod name;
pub mod password;
pub mod throttle;

pub use email::Email;
pub use name::DisplayName;
pub use password::NewPassword;

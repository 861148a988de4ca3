//! The use cases: what each route does, one file per resource (named as in `http/`).
//! Each takes a `Caller`, checks what it may do, and calls `store` and `clients`.

pub mod accounts;
pub mod admin;
pub mod hashing;
pub mod keys;
pub mod service_tokens;
pub mod sessions;

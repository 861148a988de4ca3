//! The use cases: what each route does, one file per resource (named as in `http/`).
//! Each takes a `Caller`, checks what it may do, and calls `store` and `clients`.

pub mod audit;
pub mod customers;
pub mod me;
pub mod privacy;
pub mod services;

//! The use cases: what each route does, one file per resource (named as in `http/`).
//! Each takes a `Caller`, checks what it may do, and calls `store` and `clients`.

pub mod categories;
pub mod products;
pub mod reviews;
pub mod stock;

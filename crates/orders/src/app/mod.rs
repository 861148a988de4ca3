//! The use cases: what each route does, one file per resource (named as in `http/`).
//! Each takes a `Caller`, checks what it may do, and calls `store` and `clients`.

pub mod carts;
pub mod checkout;
pub mod delivery;
pub mod orders;
pub mod recovery;
pub mod sales;
pub mod settlement;
pub mod views;

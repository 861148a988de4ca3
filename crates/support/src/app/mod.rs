//! The use cases: what each route does, one file per resource (named as in `http/`).
//! Each takes a `Caller`, checks what it may do, and calls `store` and `clients`.

pub mod agents;
pub mod conversation;
pub mod incidents;
pub mod merging;
pub mod opening;
pub mod satisfaction;
pub mod timers;
pub mod views;

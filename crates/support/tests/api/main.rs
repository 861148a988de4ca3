//! Black-box tests of the support service through HTTP, each on SQLite and on PostgreSQL, with
//! real tokens from a test issuer and a hand-set clock for the timers.

mod events;
mod helpers;
mod idempotency;
mod incidents;
mod timers;

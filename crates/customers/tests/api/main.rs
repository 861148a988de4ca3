//! Black-box tests of the customers service through HTTP, each on SQLite and on PostgreSQL.
//! Callers carry real tokens from a test issuer (`platform::testing::TestIssuer`).

mod events;
mod helpers;
mod me;
mod privacy;
mod records;
mod services;

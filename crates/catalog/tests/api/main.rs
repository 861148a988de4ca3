//! Black-box tests of the catalog through HTTP, each on SQLite and on PostgreSQL. Callers carry
//! real tokens from a test issuer (`platform::testing::TestIssuer`).

mod categories;
mod helpers;
mod outage;
mod products;
mod reviews;
mod search;
mod stock;

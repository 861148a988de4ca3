//! Black-box tests of the identity service through HTTP. Each test runs twice, on SQLite and on
//! PostgreSQL (see `platform::testing`), each time on its own fresh database and port.

mod edge;
mod helpers;
mod login;
mod register;
mod service_tokens;
mod tokens;
mod users;

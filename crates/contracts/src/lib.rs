//! What crosses a service boundary, and nothing else: the vocabulary of roles, the claims every
//! service reads from an access token, and (as services arrive) event payloads and client DTOs.
//!
//! This crate does no I/O and holds no business rules. A type belongs here only when two
//! services must agree on its exact shape; a change to it is a change to a wire format.

pub mod auth;
pub mod clients;
pub mod email;
pub mod events;
pub mod money;

pub use email::Email;

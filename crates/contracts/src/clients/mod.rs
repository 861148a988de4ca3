//! The shapes one service (or the website) reads from another's API: the part it relies on, so
//! that a change on either side is a visible change to a wire format. Unknown fields are
//! ignored: a service may show more than its clients read. One module per service called.

pub mod catalog;
pub mod customers;
pub mod identity;
pub mod orders;
pub mod support;

use serde::Deserialize;

/// A page of a list (`{"items": [...], "next_cursor": ...}`), as every list route answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Where the next page starts; none on the last page.
    pub next_cursor: Option<String>,
}

/// An event a consuming service failed to handle after every attempt
/// (`GET /api/<service>/dead-letters`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeadLetter {
    /// The event's id.
    pub id: uuid::Uuid,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its subject.
    pub subject: String,
    /// How many times it was tried.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it arrived (RFC 3339).
    pub received_at: String,
}

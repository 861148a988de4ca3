//! Event payloads: what one service tells the others happened. Each payload names its
//! CloudEvents `type`, versioned in the name (`tienda.<service>.<thing>.<happened>.v1`): a change
//! that breaks a consumer is a new type (`.v2`) published beside the old one until no consumer
//! reads the old. The `subject` is the id of the thing the event is about; events about one
//! subject are delivered in the order they happened.
//!
//! One file per publishing service.

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::Role;

/// A payload that travels in an event envelope.
pub trait Event: Serialize + DeserializeOwned + Send + 'static {
    /// The CloudEvents `type`.
    const TYPE: &'static str;

    /// The CloudEvents `subject`: the id of what the event is about.
    fn subject(&self) -> String;
}

pub mod catalog;
pub mod customers;
pub mod identity;
pub mod orders;
pub mod support;

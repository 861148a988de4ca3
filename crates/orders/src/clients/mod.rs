//! Adapters to other services and providers.

pub mod catalog;
pub mod payments;

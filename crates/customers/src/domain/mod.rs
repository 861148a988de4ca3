//! Customers' types and rules, free of I/O.

pub mod customer;
pub mod service;

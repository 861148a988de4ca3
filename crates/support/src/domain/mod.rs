//! Support's types and rules, free of I/O: incident states and who may move them, priorities,
//! the business calendar and the SLA clock.

pub mod calendar;
pub mod incident;
pub mod sla;
pub mod status;

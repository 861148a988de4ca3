//! The orders service's values and rules: pure, unit-tested in place.

pub mod address;
pub mod card;
pub mod status;

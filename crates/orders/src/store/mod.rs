//! The only code that speaks SQL for the orders service: carts, orders, delivery options, and
//! the simulated payment provider's books (`payments`).

mod carts;
mod delivery;
mod orders;
mod payments;
mod sales;

pub use carts::*;
pub use delivery::*;
pub use orders::*;
pub use payments::*;
pub use sales::*;

use sqlx::Any;

/// A transaction on the orders database.
pub type Transaction = sqlx::Transaction<'static, Any>;

fn uuid(text: &str) -> Result<uuid::Uuid, sqlx::Error> {
    platform::db::parse_stored_uuid(text).map_err(|error| sqlx::Error::Decode(error.into()))
}

fn time(text: &str) -> Result<time::OffsetDateTime, sqlx::Error> {
    platform::time::from_db(text).map_err(|error| sqlx::Error::Decode(error.into()))
}

//! The orders service through its API, with the catalog and identity it works with served in
//! process: carts, checkout, payment, recovery, cancellation and delivery, each test on both
//! backends.

mod carts;
mod checkout;
mod helpers;
mod lifecycle;
mod outages;
mod recovery;

//! Money vocabulary every service that prices agrees on.

/// The ISO 4217 currencies the shop prices in: the catalog's prices and the orders service's
/// delivery options must both come from this list, or an order could not add them up.
pub const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "MXN", "ARS", "CLP", "COP", "PEN"];

//! Events: the orders service publishes `order.placed`, `order.paid`, `order.payment_failed`,
//! `order.cancelled`, `order.shipped` and `order.delivered` (payloads in
//! `contracts::events::orders`), each in the transaction of the change it reports. It consumes
//! none: prices and stock come from the catalog's API at the moment they matter.

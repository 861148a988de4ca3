//! An order's states and the one table of moves between them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Stock reserved, payment being taken.
    PendingPayment,
    /// Paid; waiting to ship.
    Paid,
    /// The payment was refused; the stock went back. Final.
    PaymentFailed,
    /// With the carrier.
    Shipped,
    /// Received. Final.
    Delivered,
    /// Ended before payment (an interrupted checkout). Final.
    Cancelled,
    /// Cancelled after payment, and the money returned. Final.
    Refunded,
}

impl OrderStatus {
    /// Every state.
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        OrderStatus::PaymentFailed,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ];

    /// The name on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// The one table of legal moves. Anything else is a 409.
    pub fn can_move_to(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (PendingPayment, Paid | PaymentFailed | Cancelled)
                | (Paid, Shipped | Refunded)
                | (Shipped, Delivered)
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown order status `{s}`"))
    }
}

/// Work begun with another service and not yet finished: what recovery must complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingStep {
    /// Asking the catalog to reserve stock.
    Reserving,
    /// Charging the card.
    Charging,
    /// Payment failed: giving the reserved stock back.
    Releasing,
    /// Paid: telling the catalog the sale happened.
    Committing,
    /// Cancelling a paid order: returning the money.
    Refunding,
    /// Refunded: returning the units to the catalog.
    Restocking,
}

impl PendingStep {
    /// Every step.
    pub const ALL: [PendingStep; 6] = [
        PendingStep::Reserving,
        PendingStep::Charging,
        PendingStep::Releasing,
        PendingStep::Committing,
        PendingStep::Refunding,
        PendingStep::Restocking,
    ];

    /// The name in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingStep::Reserving => "reserving",
            PendingStep::Charging => "charging",
            PendingStep::Releasing => "releasing",
            PendingStep::Committing => "committing",
            PendingStep::Refunding => "refunding",
            PendingStep::Restocking => "restocking",
        }
    }
}

impl FromStr for PendingStep {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PendingStep::ALL
            .into_iter()
            .find(|step| step.as_str() == s)
            .ok_or_else(|| format!("unknown pending step `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_allows_the_life_of_an_order_and_nothing_backwards() {
        use OrderStatus::*;
        for (from, to) in [
            (PendingPayment, Paid),
            (PendingPayment, PaymentFailed),
            (PendingPayment, Cancelled),
            (Paid, Shipped),
            (Paid, Refunded),
            (Shipped, Delivered),
        ] {
            assert!(from.can_move_to(to), "{from} → {to}");
        }
        for (from, to) in [
            (Paid, PendingPayment),
            (Shipped, Refunded),
            (Shipped, Paid),
            (Delivered, Shipped),
            (PaymentFailed, Paid),
            (Cancelled, Paid),
            (Refunded, Paid),
            (Paid, Paid),
            (PendingPayment, Shipped),
        ] {
            assert!(!from.can_move_to(to), "{from} → {to} allowed");
        }
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        for step in PendingStep::ALL {
            assert_eq!(step.as_str().parse(), Ok(step));
        }
    }
}

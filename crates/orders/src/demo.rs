//! Demo delivery options for a new shop: a few carriers a Spanish shop would offer.

use crate::State;
use crate::app::delivery::{self, NewDeliveryOption};
use contracts::money::Money;

/// Seeds the options into an empty table; does nothing otherwise.
pub async fn seed(state: &State) -> anyhow::Result<()> {
    if crate::store::count_delivery_options(state.database.pool()).await? > 0 {
        return Ok(());
    }
    let options = [
        ("Correos", "Standard", 399, 4),
        ("SEUR", "Express 24h", 899, 1),
        ("GLS", "Economy", 249, 6),
        ("Tienda", "Pick up in store", 0, 0),
    ];
    for (carrier, name, amount, days) in options {
        delivery::insert(
            state,
            NewDeliveryOption {
                carrier: carrier.to_owned(),
                name: name.to_owned(),
                // The shop's currency, whatever it is: the demo's amounts are the same.
                price: Money {
                    amount,
                    currency: state.currency.clone(),
                },
                estimated_days: days,
                active: true,
            },
        )
        .await
        .map_err(|error| anyhow::anyhow!("cannot seed a delivery option: {error}"))?;
    }
    Ok(())
}

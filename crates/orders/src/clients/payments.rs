//! Payment providers: the trait the checkout charges through, and the built-in simulated
//! provider, the only one for now.
//!
//! The trait is shaped like a real card provider's API: a charge carries an idempotency key
//! (the order id), so asking again never charges twice, and a charge can be looked up by that
//! key, which is how recovery learns what happened to a checkout that stopped mid-way.
//!
//! The simulated provider behaves like one in test mode. It keeps its own books (tables
//! `simulated_charges` and `simulated_refunds`, written by `store::payments` in their own
//! transactions, as a real provider's are on its side) and answers by card number:
//!
//! | number | answer |
//! |---|---|
//! | `4000 0000 0000 9995` | declined: `insufficient_funds` |
//! | `4000 0000 0000 9979` | declined: `stolen_card` |
//! | `4000 0000 0000 0119` | a transient failure, every time (`processing_error`) |
//! | any other valid number | approved, unless expired (`expired_card`), over the limit (`amount_too_large`) or not in the shop's currency (`currency_not_supported`) |

use futures::future::BoxFuture;
use platform::db::Database;

use crate::domain::card::Card;
use crate::store::{self, NewSimulatedCharge, SimulatedCharge};

/// What a charge came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The money was taken.
    Approved,
    /// The card was refused, with the provider's code.
    Declined(String),
}

/// A charge, as the provider records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The provider's id for it.
    pub id: String,
    /// Approved or declined.
    pub outcome: Outcome,
    /// Minor units.
    pub amount: i64,
}

/// A refund, as the provider records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The provider's id for it.
    pub id: String,
}

/// The provider could not answer (a network failure, its outage): nothing is known about the
/// request, so ask again with the same idempotency key, or look the charge up.
#[derive(Debug, thiserror::Error)]
#[error("the payment provider is unavailable: {0}")]
pub struct Unavailable(pub String);

/// What to charge.
#[derive(Debug)]
pub struct ChargeRequest<'a> {
    /// Asking again with the same key returns the first charge.
    pub idempotency_key: &'a str,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: &'a str,
    /// The card.
    pub card: &'a Card,
}

/// A card payment provider.
pub trait PaymentProvider: Send + Sync {
    /// Charges a card once per idempotency key.
    fn charge<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> BoxFuture<'a, Result<Charge, Unavailable>>;

    /// The charge made with `idempotency_key`, if any.
    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, Unavailable>>;

    /// Returns `amount` of an approved charge, once per idempotency key.
    fn refund<'a>(
        &'a self,
        charge_id: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Refund, Unavailable>>;
}

/// Test card: declined for insufficient funds.
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Test card: declined as stolen.
pub const CARD_STOLEN: &str = "4000000000009979";
/// Test card: the provider fails every time.
pub const CARD_PROVIDER_ERROR: &str = "4000000000000119";

/// The built-in provider, keeping its books in `database`.
pub struct SimulatedProvider {
    database: Database,
    limit: i64,
    currency: String,
}

impl SimulatedProvider {
    /// A provider that declines charges above `limit` minor units of `currency`, and charges in
    /// any other currency (its limit means nothing there).
    pub fn new(database: Database, limit: i64, currency: &str) -> Self {
        Self {
            database,
            limit,
            currency: currency.to_owned(),
        }
    }

    async fn charge_now(&self, request: ChargeRequest<'_>) -> Result<Charge, Unavailable> {
        if let Some(existing) = self.find(request.idempotency_key).await? {
            return Ok(existing);
        }
        let card = request.card;
        let decline = if card.number() == CARD_PROVIDER_ERROR {
            return Err(Unavailable("processing_error".to_owned()));
        } else if card.number() == CARD_INSUFFICIENT_FUNDS {
            Some("insufficient_funds")
        } else if card.number() == CARD_STOLEN {
            Some("stolen_card")
        } else if card.is_expired(platform::time::now().date()) {
            Some("expired_card")
        } else if request.currency != self.currency {
            Some("currency_not_supported")
        } else if request.amount > self.limit {
            Some("amount_too_large")
        } else {
            None
        };
        let new = NewSimulatedCharge {
            idempotency_key: request.idempotency_key,
            amount: request.amount,
            currency: request.currency,
            card_brand: card.brand(),
            card_last4: card.last4(),
            decline_code: decline,
        };
        match store::insert_simulated_charge(self.database.writer(), &new)
            .await
            .map_err(unavailable)?
        {
            Some(charge) => Ok(charge.into()),
            // A concurrent request with the same key won: its charge is the charge.
            None => self
                .find(request.idempotency_key)
                .await?
                .ok_or_else(|| Unavailable("the charge vanished".to_owned())),
        }
    }

    async fn find(&self, key: &str) -> Result<Option<Charge>, Unavailable> {
        let charge = store::find_simulated_charge(self.database.pool(), key)
            .await
            .map_err(unavailable)?;
        Ok(charge.map(Charge::from))
    }

    async fn refund_now(
        &self,
        charge_id: &str,
        amount: i64,
        key: &str,
    ) -> Result<Refund, Unavailable> {
        match store::refund_simulated_charge(&self.database, charge_id, amount, key)
            .await
            .map_err(unavailable)?
        {
            Some(id) => Ok(Refund { id }),
            None => Err(Unavailable(format!(
                "charge {charge_id} cannot be refunded {amount}"
            ))),
        }
    }

    /// How many charges were made with `idempotency_key` and their total refunded (tests and
    /// support look here: "was this customer charged twice?").
    pub async fn ledger(&self, idempotency_key: &str) -> anyhow::Result<(i64, i64)> {
        Ok(store::simulated_ledger(self.database.pool(), idempotency_key).await?)
    }
}

impl From<SimulatedCharge> for Charge {
    fn from(charge: SimulatedCharge) -> Self {
        Self {
            id: charge.id,
            amount: charge.amount,
            outcome: charge
                .decline_code
                .map_or(Outcome::Approved, Outcome::Declined),
        }
    }
}

fn unavailable(error: sqlx::Error) -> Unavailable {
    Unavailable(error.to_string())
}

impl PaymentProvider for SimulatedProvider {
    fn charge<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> BoxFuture<'a, Result<Charge, Unavailable>> {
        Box::pin(self.charge_now(request))
    }

    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, Unavailable>> {
        Box::pin(self.find(idempotency_key))
    }

    fn refund<'a>(
        &'a self,
        charge_id: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Refund, Unavailable>> {
        Box::pin(self.refund_now(charge_id, amount, idempotency_key))
    }
}

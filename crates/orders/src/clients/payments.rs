//! Payment providers: the trait the checkout charges through, and the built-in simulated
//! provider, the only one for now.
//!
//! The trait is shaped like a real card provider's API: a charge carries an idempotency key
//! (the order id), so asking again never charges twice, and a charge can be looked up by that
//! key, which is how recovery learns what happened to a checkout that stopped mid-way.
//!
//! The simulated provider behaves like one in test mode. It keeps its own books (tables
//! `simulated_charges` and `simulated_refunds`, written in their own transactions, as a real
//! provider's are on its side) and answers by card number:
//!
//! | number | answer |
//! |---|---|
//! | `4000 0000 0000 9995` | declined: `insufficient_funds` |
//! | `4000 0000 0000 9979` | declined: `stolen_card` |
//! | `4000 0000 0000 0119` | a transient failure, every time (`processing_error`) |
//! | any other valid number | approved, unless expired (`expired_card`) or over the limit (`amount_too_large`) |

use futures::future::BoxFuture;
use platform::db::Database;
use platform::time::to_db;
use sqlx::Row;
use uuid::Uuid;

use crate::domain::card::Card;

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
}

impl SimulatedProvider {
    /// A provider that declines charges above `limit` minor units.
    pub fn new(database: Database, limit: i64) -> Self {
        Self { database, limit }
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
        } else if request.amount > self.limit {
            Some("amount_too_large")
        } else {
            None
        };
        let id = format!("ch_{}", Uuid::now_v7().simple());
        let inserted = sqlx::query(
            "INSERT INTO simulated_charges (id, idempotency_key, amount, currency, card_brand, \
             card_last4, outcome, decline_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&id)
        .bind(request.idempotency_key)
        .bind(request.amount)
        .bind(request.currency)
        .bind(card.brand())
        .bind(card.last4())
        .bind(if decline.is_some() { "declined" } else { "approved" })
        .bind(decline)
        .bind(to_db(platform::time::now()))
        .execute(self.database.pool())
        .await
        .map_err(unavailable)?;
        if inserted.rows_affected() == 0 {
            // A concurrent request with the same key won: its charge is the charge.
            return self
                .find(request.idempotency_key)
                .await?
                .ok_or_else(|| Unavailable("the charge vanished".to_owned()));
        }
        Ok(Charge {
            id,
            outcome: decline.map_or(Outcome::Approved, |code| Outcome::Declined(code.to_owned())),
            amount: request.amount,
        })
    }

    async fn find(&self, key: &str) -> Result<Option<Charge>, Unavailable> {
        let row = sqlx::query(
            "SELECT id, amount, outcome, decline_code FROM simulated_charges WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(self.database.pool())
        .await
        .map_err(unavailable)?;
        let Some(row) = row else { return Ok(None) };
        let read = || -> Result<Charge, sqlx::Error> {
            let outcome: String = row.try_get("outcome")?;
            Ok(Charge {
                id: row.try_get("id")?,
                amount: row.try_get("amount")?,
                outcome: if outcome == "approved" {
                    Outcome::Approved
                } else {
                    Outcome::Declined(
                        row.try_get::<Option<String>, _>("decline_code")?
                            .unwrap_or_default(),
                    )
                },
            })
        };
        read().map(Some).map_err(unavailable)
    }

    async fn refund_now(
        &self,
        charge_id: &str,
        amount: i64,
        key: &str,
    ) -> Result<Refund, Unavailable> {
        let mut transaction = self.database.begin().await.map_err(unavailable)?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM simulated_refunds WHERE idempotency_key = $1")
                .bind(key)
                .fetch_optional(&mut *transaction)
                .await
                .map_err(unavailable)?;
        if let Some(id) = existing {
            return Ok(Refund { id });
        }
        // Never more back than was taken.
        let updated = sqlx::query(
            "UPDATE simulated_charges SET refunded_amount = refunded_amount + $1 \
             WHERE id = $2 AND outcome = 'approved' AND refunded_amount + $1 <= amount",
        )
        .bind(amount)
        .bind(charge_id)
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        if updated.rows_affected() == 0 {
            return Err(Unavailable(format!(
                "charge {charge_id} cannot be refunded {amount}"
            )));
        }
        let id = format!("re_{}", Uuid::now_v7().simple());
        sqlx::query(
            "INSERT INTO simulated_refunds (id, charge_id, idempotency_key, amount, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(charge_id)
        .bind(key)
        .bind(amount)
        .bind(to_db(platform::time::now()))
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        transaction.commit().await.map_err(unavailable)?;
        Ok(Refund { id })
    }

    /// How many charges were made with `idempotency_key` and their total refunded (tests and
    /// support look here: "was this customer charged twice?").
    pub async fn ledger(&self, idempotency_key: &str) -> anyhow::Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS charges, CAST(COALESCE(SUM(refunded_amount), 0) AS BIGINT) AS refunded \
             FROM simulated_charges WHERE idempotency_key = $1",
        )
        .bind(idempotency_key)
        .fetch_one(self.database.pool())
        .await?;
        Ok((row.try_get("charges")?, row.try_get("refunded")?))
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

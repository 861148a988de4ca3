//! The catalog as the orders service sees it: products (name, price, availability) and stock
//! reservations, through the catalog's own API with a service token.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use contracts::clients::catalog::{
    NewReservation, Product, Reservation, ReservationLine, ShortLine, StockAdjustment,
};
use platform::client::{ClientError, Reply, ServiceClient, ServiceTokens};
use serde::Serialize;
use uuid::Uuid;

/// What a reservation came to.
#[derive(Debug)]
pub enum Reserved {
    /// Every line is held.
    Held(Reservation),
    /// Some lines are short; nothing is held.
    Short(Vec<ShortLine>),
    /// The order has a reservation with other lines (a bug: an order's lines never change).
    OtherLines,
}

/// What committing a reservation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// The reserved units are sold.
    Sold,
    /// The catalog no longer holds the stock (the reservation expired or was released, 409), or
    /// has no such reservation (404).
    NotHeld,
}

/// What releasing a reservation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Released {
    /// The units are back in stock (or were already: releasing is idempotent).
    Returned,
    /// The reservation was committed: its units are sold and stay so (409).
    AlreadySold,
}

/// What returning units came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restocked {
    /// The units are back in stock.
    Returned,
    /// The catalog refused the adjustment (the product is gone, say), with its status.
    Refused(StatusCode),
}

/// A client of the catalog service.
#[derive(Clone, Debug)]
pub struct CatalogClient {
    client: ServiceClient,
    tokens: Arc<ServiceTokens>,
}

impl CatalogClient {
    /// Calls the catalog through `client`, with tokens from `tokens`.
    pub fn new(client: ServiceClient, tokens: Arc<ServiceTokens>) -> Self {
        Self { client, tokens }
    }

    /// A product, or `None` when the catalog has no such product.
    pub async fn product(&self, id: Uuid) -> Result<Option<Product>, ClientError> {
        let reply = self
            .client
            .call(
                Method::GET,
                &format!("/api/catalog/products/{id}"),
                None,
                None::<&()>,
            )
            .await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        reply.success().map(Some)
    }

    /// Products by id, asked together; the unknown ones are left out.
    pub async fn products(&self, ids: &[Uuid]) -> Result<Vec<Product>, ClientError> {
        let answers = futures::future::join_all(ids.iter().map(|id| self.product(*id))).await;
        let mut products = Vec::with_capacity(ids.len());
        for answer in answers {
            if let Some(product) = answer? {
                products.push(product);
            }
        }
        Ok(products)
    }

    /// Reserves every line for `order_id`, or none. Asking again for the same order and lines
    /// returns the same reservation.
    pub async fn reserve(
        &self,
        order_id: Uuid,
        lines: Vec<ReservationLine>,
    ) -> Result<Reserved, ClientError> {
        let reply = self
            .with_token(
                Method::POST,
                "/api/catalog/reservations",
                Some(&NewReservation { order_id, lines }),
            )
            .await?;
        if reply.status == StatusCode::CONFLICT {
            #[derive(serde::Deserialize)]
            struct Details {
                lines: Vec<ShortLine>,
            }
            #[derive(serde::Deserialize)]
            struct ShortProblem {
                details: Option<Details>,
            }
            let problem: ShortProblem = reply.json()?;
            return Ok(match problem.details {
                Some(details) => Reserved::Short(details.lines),
                None => Reserved::OtherLines,
            });
        }
        reply.success().map(Reserved::Held)
    }

    /// The sale happened: the reservation's stock is sold. Any answer but those of
    /// [`Committed`] is unexpected, and the step is tried again later.
    pub async fn commit(&self, reservation: Uuid) -> Result<Committed, ClientError> {
        let reply = self
            .with_token(
                Method::POST,
                &format!("/api/catalog/reservations/{reservation}/commit"),
                None::<&()>,
            )
            .await?;
        match reply.status {
            status if status.is_success() => Ok(Committed::Sold),
            StatusCode::CONFLICT | StatusCode::NOT_FOUND => Ok(Committed::NotHeld),
            _ => Err(reply.unexpected()),
        }
    }

    /// The reservation's stock goes back.
    pub async fn release(&self, reservation: Uuid) -> Result<Released, ClientError> {
        let reply = self
            .with_token(
                Method::POST,
                &format!("/api/catalog/reservations/{reservation}/release"),
                None::<&()>,
            )
            .await?;
        match reply.status {
            status if status.is_success() => Ok(Released::Returned),
            StatusCode::CONFLICT => Ok(Released::AlreadySold),
            _ => Err(reply.unexpected()),
        }
    }

    /// Units of a sold product come back (a refunded order).
    pub async fn restock(
        &self,
        product: Uuid,
        quantity: i64,
        reason: String,
        reference: String,
    ) -> Result<Restocked, ClientError> {
        let reply = self
            .with_token(
                Method::POST,
                &format!("/api/catalog/products/{product}/stock"),
                Some(&StockAdjustment {
                    delta: quantity,
                    reason,
                    reference: Some(reference),
                }),
            )
            .await?;
        if reply.status.is_success() {
            Ok(Restocked::Returned)
        } else {
            Ok(Restocked::Refused(reply.status))
        }
    }

    /// Calls with the service token; once more with a new token when the catalog refuses it
    /// (the key or the secret changed).
    async fn with_token(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<Reply, ClientError> {
        let token = self.tokens.token().await?;
        let reply = self
            .client
            .call(method.clone(), path, Some(&token), body)
            .await?;
        if reply.status != StatusCode::UNAUTHORIZED {
            return Ok(reply);
        }
        self.tokens.forget().await;
        let token = self.tokens.token().await?;
        self.client.call(method, path, Some(&token), body).await
    }
}

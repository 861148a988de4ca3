//! What a consuming service does with each type of event it takes.
//!
//! A handler gets the event's payload, already parsed into its contract type, and the inbox's
//! transaction: its effect and the record that the event was handled commit together, so a
//! crash after the effect re-runs neither, and a redelivery finds the event already handled.

use std::collections::BTreeMap;
use std::sync::Arc;

use contracts::events::Event;
use futures::future::BoxFuture;
use sqlx::{Any, Transaction};

use super::envelope::Envelope;

/// The transaction a handler writes its effect in.
pub type Tx = Transaction<'static, Any>;

/// A handler that no number of attempts can make succeed (its payload breaks the contract, for
/// one): the event goes to the dead letters at once.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unprocessable(pub String);

type ErasedHandler =
    dyn for<'a> Fn(&'a Envelope, &'a mut Tx) -> BoxFuture<'a, anyhow::Result<()>> + Send + Sync;

/// The handlers of one consuming service, by event type.
#[derive(Clone, Default)]
pub struct Handlers {
    by_type: BTreeMap<&'static str, Arc<ErasedHandler>>,
}

fn erase<F>(handler: F) -> Arc<ErasedHandler>
where
    F: for<'a> Fn(&'a Envelope, &'a mut Tx) -> BoxFuture<'a, anyhow::Result<()>>
        + Send
        + Sync
        + 'static,
{
    Arc::new(handler)
}

impl Handlers {
    /// No handlers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles events of type `E` with `handler`, which writes its effect in the given
    /// transaction and must not commit it.
    pub fn on<E, F>(mut self, handler: F) -> Self
    where
        E: Event,
        F: for<'a> Fn(E, &'a mut Tx) -> BoxFuture<'a, anyhow::Result<()>> + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        self.by_type.insert(
            E::TYPE,
            erase(move |envelope, transaction| {
                let payload = envelope.payload::<E>();
                let handler = handler.clone();
                Box::pin(async move {
                    let event = payload.map_err(|error| Unprocessable(format!("{error:#}")))?;
                    handler(event, transaction).await
                })
            }),
        );
        self
    }

    /// The types handled, for subscribing.
    pub fn types(&self) -> Vec<String> {
        self.by_type.keys().map(|kind| (*kind).to_owned()).collect()
    }

    /// True when no type is handled.
    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }

    /// Runs the handler for the envelope's type; `None` when the type has none.
    pub(crate) fn handle<'a>(
        &'a self,
        envelope: &'a Envelope,
        transaction: &'a mut Tx,
    ) -> Option<BoxFuture<'a, anyhow::Result<()>>> {
        let handler = self.by_type.get(envelope.kind.as_str())?;
        Some(handler(envelope, transaction))
    }
}

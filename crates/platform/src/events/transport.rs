//! How events travel between services: the [`Transport`] trait, and the in-memory transport of
//! the embedded mode. (RabbitMQ is in `amqp`.)
//!
//! A transport publishes envelopes in order and says how many, from the first, it has confirmed;
//! it delivers to a consumer by storing into the consumer's [`Inbox`], and a delivery counts as
//! done only once the inbox has stored it.

use std::sync::RwLock;

use futures::future::BoxFuture;

use super::envelope::Envelope;
use super::inbox::{Inbox, WeakInbox};
use crate::app::BackgroundTask;

/// What a publish achieved.
#[derive(Debug)]
pub struct Published {
    /// How many events, from the first, the transport confirmed. The rest stay in the outbox.
    pub confirmed: usize,
    /// Why it stopped short, if it did.
    pub error: Option<anyhow::Error>,
}

impl Published {
    /// Everything confirmed.
    pub fn all(count: usize) -> Self {
        Self {
            confirmed: count,
            error: None,
        }
    }
}

/// A way for events to travel.
pub trait Transport: Send + Sync + 'static {
    /// A short name for logs and `/health/ready`: `memory` or `amqp`.
    fn name(&self) -> &'static str;

    /// Publishes `events` in order.
    fn publish<'a>(&'a self, events: &'a [Envelope]) -> BoxFuture<'a, Published>;

    /// Starts delivering the inbox's types into it: at once, or from the returned task.
    fn subscribe(&self, inbox: Inbox) -> Option<BackgroundTask>;

    /// `Ok` when the transport takes events now.
    fn check(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// The embedded mode's transport: publishing stores the event straight into each subscribed
/// service's inbox, in the same process. Still behind every service's outbox, so a crash loses
/// nothing. It delivers to the inboxes subscribed when it publishes: every service subscribes
/// while it is built ([`super::Events::tasks`]), before the app runs any relay.
#[derive(Default)]
pub struct MemoryTransport {
    // Weak: an inbox lives as long as its service's tasks hold it, and it holds the service's
    // state, which holds this transport.
    inboxes: RwLock<Vec<WeakInbox>>,
}

impl MemoryTransport {
    fn subscribers(&self) -> Vec<Inbox> {
        let Ok(inboxes) = self.inboxes.read() else {
            return Vec::new();
        };
        inboxes.iter().filter_map(WeakInbox::upgrade).collect()
    }
}

impl Transport for MemoryTransport {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn publish<'a>(&'a self, events: &'a [Envelope]) -> BoxFuture<'a, Published> {
        Box::pin(async move {
            // Each subscriber stores its share of the batch in one transaction. If one fails,
            // none of the batch counts as confirmed; whoever stored it already ignores the
            // second delivery.
            for inbox in self.subscribers() {
                let wanted = inbox.types();
                let share: Vec<Envelope> = events
                    .iter()
                    .filter(|envelope| wanted.contains(&envelope.kind))
                    .cloned()
                    .collect();
                if let Err(error) = inbox.receive_all(&share).await {
                    return Published {
                        confirmed: 0,
                        error: Some(error),
                    };
                }
            }
            Published::all(events.len())
        })
    }

    fn subscribe(&self, inbox: Inbox) -> Option<BackgroundTask> {
        if let Ok(mut inboxes) = self.inboxes.write() {
            inboxes.retain(|inbox| inbox.upgrade().is_some());
            inboxes.push(inbox.downgrade());
        }
        // The subscription lasts while this task holds the inbox.
        Some(Box::new(move |cancel| {
            Box::pin(async move {
                cancel.cancelled().await;
                drop(inbox);
            })
        }))
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}

/// The transport of a lone service started without a broker: events stay in its outbox, none
/// lost, until it is started with one; it consumes nothing.
#[derive(Debug, Default)]
pub struct HeldTransport;

impl Transport for HeldTransport {
    fn name(&self) -> &'static str {
        "held"
    }

    fn publish<'a>(&'a self, _events: &'a [Envelope]) -> BoxFuture<'a, Published> {
        Box::pin(async {
            Published {
                confirmed: 0,
                error: None,
            }
        })
    }

    fn subscribe(&self, inbox: Inbox) -> Option<BackgroundTask> {
        tracing::warn!(
            service = inbox.service(),
            "no broker: this service consumes no events"
        );
        None
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}

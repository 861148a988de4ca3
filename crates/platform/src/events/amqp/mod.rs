//! The distributed mode's transport: RabbitMQ, through `lapin`.
//!
//! Topology (declared, idempotently, on every connection):
//! - `<exchange>` (default `tienda.events`): a durable topic exchange; the routing key is the
//!   event type.
//! - `<prefix>.<service>` (default `tienda.customers`, ...): one durable queue per consuming
//!   service, bound to the types it handles. Every process declares every consumer's queue (the
//!   [`AmqpConfig::topology`]), so events published before a consumer first starts wait for it.
//! - `<exchange>.dead-letter` (fanout) and its queue `<prefix>.dead-letters`: messages a consumer
//!   rejects because they are not events at all. (Events that are, but whose handler keeps
//!   failing, are dead-lettered in the consumer's inbox, where `tienda events` lists and replays
//!   them.)
//!
//! Messages are persistent; publishing uses publisher confirms over a window of up to a relay
//! batch; consumers acknowledge a message only after their inbox has committed it. A lost
//! connection is reopened, with growing delays, by whoever needs it next.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions,
    BasicRejectOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use secrecy::ExposeSecret;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::events::envelope::Envelope;
use crate::events::inbox::Inbox;
use crate::events::transport::{Published, Transport};

mod config;

use crate::app::BackgroundTask;
pub use config::AmqpConfig;

/// How long a publisher confirm may take before the batch counts as unconfirmed.
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a consumer waits before reconnecting.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(30);

/// RabbitMQ as a [`Transport`].
#[derive(Clone)]
pub struct AmqpTransport {
    shared: Arc<Shared>,
}

struct Shared {
    config: AmqpConfig,
    connection: Mutex<Option<Arc<Connection>>>,
    publisher: Mutex<Option<Channel>>,
}

impl AmqpTransport {
    /// A transport that connects when first needed.
    pub fn new(config: AmqpConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                connection: Mutex::new(None),
                publisher: Mutex::new(None),
            }),
        }
    }
}

impl Shared {
    /// The open connection, or a new one with the topology declared.
    async fn connection(&self) -> anyhow::Result<Arc<Connection>> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref()
            && connection.status().connected()
        {
            return Ok(connection.clone());
        }
        let connection = tokio::time::timeout(
            self.config.connect_timeout,
            Connection::connect(
                self.config.url.expose_secret(),
                ConnectionProperties::default(),
            ),
        )
        .await
        .context("connecting to the broker timed out")?
        .context("cannot connect to the broker")?;
        let connection = Arc::new(connection);
        self.declare_topology(&connection).await?;
        *slot = Some(connection.clone());
        tracing::info!(exchange = %self.config.exchange, "connected to the broker");
        Ok(connection)
    }

    async fn declare_topology(&self, connection: &Connection) -> anyhow::Result<()> {
        let config = &self.config;
        let channel = connection.create_channel().await?;
        let durable = ExchangeDeclareOptions {
            durable: true,
            // A temporary (test) topology goes away with its last queue.
            auto_delete: config.queue_expiry.is_some(),
            ..ExchangeDeclareOptions::default()
        };
        channel
            .exchange_declare(
                config.exchange.as_str().into(),
                ExchangeKind::Topic,
                durable,
                FieldTable::default(),
            )
            .await
            .context("cannot declare the events exchange")?;
        let dead_letter_exchange = config.dead_letter_exchange();
        channel
            .exchange_declare(
                dead_letter_exchange.as_str().into(),
                ExchangeKind::Fanout,
                durable,
                FieldTable::default(),
            )
            .await
            .context("cannot declare the dead-letter exchange")?;
        let dead_letters = config.dead_letter_queue();
        channel
            .queue_declare(
                dead_letters.as_str().into(),
                QueueDeclareOptions::durable(),
                self.queue_arguments(false),
            )
            .await
            .context("cannot declare the dead-letter queue")?;
        channel
            .queue_bind(
                dead_letters.as_str().into(),
                dead_letter_exchange.as_str().into(),
                "".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        for (service, types) in &config.topology {
            self.declare_queue(&channel, service, types).await?;
        }
        channel.close(200, "topology declared".into()).await.ok();
        Ok(())
    }

    fn queue_arguments(&self, dead_lettered: bool) -> FieldTable {
        let mut arguments = FieldTable::default();
        if dead_lettered {
            arguments.insert(
                "x-dead-letter-exchange".into(),
                AMQPValue::LongString(self.config.dead_letter_exchange().into()),
            );
        }
        if let Some(expiry) = self.config.queue_expiry {
            arguments.insert(
                "x-expires".into(),
                AMQPValue::LongLongInt(i64::try_from(expiry.as_millis()).unwrap_or(i64::MAX)),
            );
        }
        arguments
    }

    async fn declare_queue(
        &self,
        channel: &Channel,
        service: &str,
        types: &[String],
    ) -> anyhow::Result<String> {
        let queue = self.config.queue(service);
        channel
            .queue_declare(
                queue.as_str().into(),
                QueueDeclareOptions::durable(),
                self.queue_arguments(true),
            )
            .await
            .with_context(|| format!("cannot declare the queue {queue}"))?;
        for kind in types {
            channel
                .queue_bind(
                    queue.as_str().into(),
                    self.config.exchange.as_str().into(),
                    kind.as_str().into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
        Ok(queue)
    }

    /// The open publishing channel (in confirm mode), or a new one.
    async fn publisher(&self) -> anyhow::Result<Channel> {
        let mut slot = self.publisher.lock().await;
        if let Some(channel) = slot.as_ref()
            && channel.status().connected()
        {
            return Ok(channel.clone());
        }
        let connection = self.connection().await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        *slot = Some(channel.clone());
        Ok(channel)
    }

    async fn publish(&self, events: &[Envelope]) -> Published {
        let channel = match self.publisher().await {
            Ok(channel) => channel,
            Err(error) => {
                return Published {
                    confirmed: 0,
                    error: Some(error),
                };
            }
        };
        // The whole batch goes out before the first confirm is awaited: one round trip per
        // batch, not per event.
        let mut pending = Vec::with_capacity(events.len());
        let mut error = None;
        for envelope in events {
            let properties = BasicProperties::default()
                .with_delivery_mode(2)
                .with_content_type("application/cloudevents+json".into())
                .with_message_id(envelope.id.to_string().into())
                .with_type(envelope.kind.as_str().into());
            let sent = channel
                .basic_publish(
                    self.config.exchange.as_str().into(),
                    envelope.kind.as_str().into(),
                    BasicPublishOptions::default(),
                    envelope.to_json().as_bytes(),
                    properties,
                )
                .await;
            match sent {
                Ok(confirm) => pending.push(confirm),
                Err(failure) => {
                    error = Some(anyhow::Error::new(failure).context("publishing failed"));
                    break;
                }
            }
        }
        let mut confirmed = 0;
        for confirm in pending {
            match tokio::time::timeout(CONFIRM_TIMEOUT, confirm).await {
                Ok(Ok(confirmation)) if confirmation.is_ack() => confirmed += 1,
                Ok(Ok(_)) => {
                    error = Some(anyhow::anyhow!("the broker refused an event"));
                    break;
                }
                Ok(Err(failure)) => {
                    error = Some(anyhow::Error::new(failure).context("no publisher confirm"));
                    break;
                }
                Err(_) => {
                    error = Some(anyhow::anyhow!("the publisher confirm timed out"));
                    break;
                }
            }
        }
        if confirmed < events.len() {
            // Start the next attempt on a fresh channel.
            *self.publisher.lock().await = None;
        }
        Published { confirmed, error }
    }

    /// Consumes the inbox's queue until cancelled (`Ok`) or the connection fails (`Err`).
    async fn consume(&self, inbox: &Inbox, cancel: &CancellationToken) -> anyhow::Result<()> {
        let connection = self.connection().await?;
        let channel = connection.create_channel().await?;
        channel
            .basic_qos(self.config.prefetch, BasicQosOptions::default())
            .await?;
        let queue = self
            .declare_queue(&channel, inbox.service(), &inbox.types())
            .await?;
        let tag = format!("{}-{}", inbox.service(), uuid::Uuid::now_v7().simple());
        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                tag.into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(%queue, "consuming events");
        loop {
            let next = tokio::select! {
                () = cancel.cancelled() => {
                    channel.close(200, "shutting down".into()).await.ok();
                    return Ok(());
                }
                next = consumer.next() => next,
            };
            let first = next.context("the broker ended the subscription")??;
            // Take whatever else has already arrived, to store it in one transaction.
            let mut deliveries = vec![first];
            while deliveries.len() < usize::from(self.config.prefetch.max(1)) {
                match consumer.next().now_or_never() {
                    Some(Some(Ok(delivery))) => deliveries.push(delivery),
                    _ => break,
                }
            }
            let mut events = Vec::with_capacity(deliveries.len());
            let mut last = None;
            for delivery in deliveries {
                match Envelope::from_json(&delivery.data) {
                    Ok(envelope) => {
                        events.push(envelope);
                        last = Some(delivery);
                    }
                    Err(error) => {
                        tracing::warn!(%queue, %error, "not an event: sent to the dead-letter queue");
                        delivery
                            .acker
                            .reject(BasicRejectOptions { requeue: false })
                            .await?;
                    }
                }
            }
            let Some(last) = last else { continue };
            match inbox.receive_all(&events).await {
                Ok(()) => {
                    last.acker.ack(BasicAckOptions { multiple: true }).await?;
                }
                Err(error) => {
                    // The inbox's database is down: give the messages back and wait.
                    tracing::warn!(%queue, error = %format!("{error:#}"), "cannot store events; requeued");
                    last.acker
                        .nack(BasicNackOptions {
                            requeue: true,
                            multiple: true,
                        })
                        .await?;
                    tokio::select! {
                        () = cancel.cancelled() => {},
                        () = tokio::time::sleep(Duration::from_secs(1)) => {},
                    }
                }
            }
        }
    }
}

impl Transport for AmqpTransport {
    fn name(&self) -> &'static str {
        "amqp"
    }

    fn publish<'a>(&'a self, events: &'a [Envelope]) -> BoxFuture<'a, Published> {
        Box::pin(self.shared.publish(events))
    }

    fn subscribe(&self, inbox: Inbox) -> Option<BackgroundTask> {
        let shared = self.shared.clone();
        Some(Box::new(move |cancel| {
            Box::pin(async move {
                let mut delay = Duration::from_millis(200);
                while !cancel.is_cancelled() {
                    match shared.consume(&inbox, &cancel).await {
                        Ok(()) => break,
                        Err(error) => {
                            tracing::warn!(service = inbox.service(), error = %format!("{error:#}"), ?delay, "event consumer lost the broker; reconnecting");
                        }
                    }
                    tokio::select! {
                        () = cancel.cancelled() => break,
                        () = tokio::time::sleep(delay) => {},
                    }
                    delay = (delay * 2).min(MAX_RECONNECT_DELAY);
                }
            })
        }))
    }

    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.shared
                .connection()
                .await
                .map(|_| ())
                .map_err(|error| format!("{error:#}"))
        })
    }
}

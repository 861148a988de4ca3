//! Where the broker is and how the topology is named.

use std::time::Duration;

use secrecy::SecretString;

/// Where the broker is and how the topology is named.
#[derive(Clone)]
pub struct AmqpConfig {
    /// `amqp://user:password@host:port/vhost`. A secret: it holds a password.
    pub url: SecretString,
    /// The topic exchange events are published to.
    pub exchange: String,
    /// The prefix of queue names.
    pub queue_prefix: String,
    /// Unacknowledged messages a consumer may hold at once.
    pub prefetch: u16,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// Every consuming service and the types it takes, declared on every connection.
    pub topology: Vec<(String, Vec<String>)>,
    /// Queues unused this long are deleted by the broker, and the exchanges with them (tests
    /// only; production topology stays).
    pub queue_expiry: Option<Duration>,
}

impl AmqpConfig {
    /// The defaults for a broker at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: SecretString::from(url.into()),
            exchange: "tienda.events".into(),
            queue_prefix: "tienda".into(),
            prefetch: 100,
            connect_timeout: Duration::from_secs(5),
            topology: Vec::new(),
            queue_expiry: None,
        }
    }

    /// The queue of a consuming service.
    pub fn queue(&self, service: &str) -> String {
        format!("{}.{service}", self.queue_prefix)
    }

    /// The exchange rejected messages go to.
    pub fn dead_letter_exchange(&self) -> String {
        format!("{}.dead-letter", self.exchange)
    }

    /// The queue rejected messages wait in.
    pub fn dead_letter_queue(&self) -> String {
        format!("{}.dead-letters", self.queue_prefix)
    }
}

impl std::fmt::Debug for AmqpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmqpConfig")
            .field("url", &"[redacted]")
            .field("exchange", &self.exchange)
            .field("queue_prefix", &self.queue_prefix)
            .finish_non_exhaustive()
    }
}

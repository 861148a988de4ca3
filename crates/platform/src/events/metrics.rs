//! The backbone's instruments, by service: outbox backlog and the age of its oldest pending
//! event, and counts of events published, consumed, retried and dead-lettered.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use std::sync::atomic::AtomicU64;

use crate::http::HttpMetrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ServiceLabel {
    pub(crate) service: String,
}

/// The event instruments of one process, registered in its metrics registry.
#[derive(Clone, Default)]
pub struct EventMetrics {
    pub(crate) outbox_backlog: Family<ServiceLabel, Gauge>,
    pub(crate) outbox_oldest_seconds: Family<ServiceLabel, Gauge<f64, AtomicU64>>,
    pub(crate) published: Family<ServiceLabel, Counter>,
    pub(crate) consumed: Family<ServiceLabel, Counter>,
    pub(crate) retried: Family<ServiceLabel, Counter>,
    pub(crate) dead_lettered: Family<ServiceLabel, Counter>,
}

impl EventMetrics {
    /// The instruments, registered in the process's registry (served at `/metrics`).
    pub fn new(registry: &HttpMetrics) -> Self {
        let metrics = Self::default();
        let registered = metrics.clone();
        registry.register(move |registry| {
            registry.register(
                "outbox_backlog",
                "Events written but not yet confirmed by the transport",
                registered.outbox_backlog,
            );
            registry.register(
                "outbox_oldest_pending_seconds",
                "Age of the oldest event waiting in the outbox",
                registered.outbox_oldest_seconds,
            );
            registry.register(
                "events_published",
                "Events the transport confirmed",
                registered.published,
            );
            registry.register(
                "events_consumed",
                "Events handled by a consumer",
                registered.consumed,
            );
            registry.register(
                "events_retried",
                "Failed handler attempts that will be retried",
                registered.retried,
            );
            registry.register(
                "events_dead_lettered",
                "Events set aside after their last failed attempt",
                registered.dead_lettered,
            );
        });
        metrics
    }

    pub(crate) fn label(service: &str) -> ServiceLabel {
        ServiceLabel {
            service: service.to_owned(),
        }
    }
}

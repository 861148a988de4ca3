//! A RabbitMQ for tests: the server of `TIENDA_TEST_AMQP_URL`, a topology of names no other test
//! uses, and a proxy in front of it that a test can cut to take the broker away and restore to
//! bring it back.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{REQUIRE_SERVICES_VAR, services_required};
use crate::events::amqp::AmqpConfig;

/// The environment variable naming a RabbitMQ server for tests.
pub const AMQP_URL_VAR: &str = "TIENDA_TEST_AMQP_URL";

/// The test broker's URL, or `None` when it is not configured and not required (skip).
///
/// # Panics
/// When RabbitMQ is required but not configured.
pub fn amqp_url() -> Option<String> {
    match std::env::var(AMQP_URL_VAR) {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                !services_required(),
                "{REQUIRE_SERVICES_VAR}=1 but {AMQP_URL_VAR} is not set"
            );
            eprintln!("skipped: set {AMQP_URL_VAR} to run this test on RabbitMQ");
            None
        }
    }
}

/// A configuration for `url` whose exchange and queues are this test's alone, and that the
/// broker deletes a minute after the test stops using them.
pub fn isolated_amqp_config(url: &str) -> AmqpConfig {
    let unique = format!("test.{}", uuid::Uuid::now_v7().simple());
    AmqpConfig {
        exchange: format!("{unique}.events"),
        queue_prefix: unique,
        queue_expiry: Some(Duration::from_secs(60)),
        connect_timeout: Duration::from_secs(2),
        ..AmqpConfig::new(url)
    }
}

/// A TCP proxy to a server, which a test can cut (every connection dropped, new ones refused)
/// and restore.
pub struct TcpProxy {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
}

impl TcpProxy {
    /// A proxy on a fresh local port to `target` (`host:port`).
    ///
    /// # Panics
    /// When no local port can be bound.
    pub async fn start(target: String) -> Self {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(error) => panic!("cannot bind a proxy port: {error}"),
        };
        let address = match listener.local_addr() {
            Ok(address) => address,
            Err(error) => panic!("no proxy address: {error}"),
        };
        let open = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let accepting = open.clone();
        let cut_signal = cuts.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let mut cut = cut_signal.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {},
                        _ = cut.changed() => {},
                    }
                });
            }
        });
        Self {
            address,
            open,
            cuts,
        }
    }

    /// The proxy's `host:port`.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Drops every connection through the proxy and refuses new ones.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|count| *count += 1);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// `url` with its host and port replaced by `address` (to go through a [`TcpProxy`]).
///
/// # Panics
/// When `url` is not a URL.
pub fn via(url: &str, address: SocketAddr) -> String {
    let mut url = match url::Url::parse(url) {
        Ok(url) => url,
        Err(error) => panic!("bad URL {url}: {error}"),
    };
    let moved = url.set_ip_host(address.ip()).is_ok() && url.set_port(Some(address.port())).is_ok();
    assert!(moved, "cannot point {url} at the proxy");
    url.to_string()
}

/// The `host:port` a URL names.
///
/// # Panics
/// When `url` names no host.
pub fn host_and_port(url: &str) -> String {
    let url = match url::Url::parse(url) {
        Ok(url) => url,
        Err(error) => panic!("bad URL {url}: {error}"),
    };
    format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port_or_known_default().unwrap_or(5672)
    )
}

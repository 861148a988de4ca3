//! What the tests that start the real `tienda` binary share: starting, killing and restarting
//! processes, and small request helpers.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

/// The `tienda` executable under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_tienda");

/// The JSON body, or `null`.
pub async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap_or(Value::Null)
}

/// Sends, or fails the test.
pub async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    match request.send().await {
        Ok(response) => response,
        Err(error) => panic!("request failed: {error}"),
    }
}

/// An access token from the identity API under `base`.
pub async fn access_token(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> String {
    let login = send(
        client
            .post(format!("{base}/api/identity/login"))
            .json(&json!({"email": email, "password": password})),
    )
    .await;
    assert_eq!(login.status(), StatusCode::OK);
    json_of(login).await["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A signing key made in `dir`, as an operator makes one with `openssl genpkey`.
pub fn signing_key(dir: &std::path::Path) -> std::path::PathBuf {
    let key = dir.join("jwt.pem");
    let made = identity::app::keys::TokenSigner::load(
        &identity::app::keys::KeyFile {
            path: key.clone(),
            create_if_missing: true,
        },
        "tienda",
        "tienda",
        Duration::from_secs(60),
    );
    assert!(made.is_ok(), "cannot make a signing key");
    key
}

/// A `tienda` process, killed when dropped.
pub struct Process {
    child: Option<Child>,
    args: Vec<String>,
    environment: Vec<(String, String)>,
    /// Its base URL.
    pub url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Process {
    /// Kills it with SIGKILL: no graceful stop, nothing flushed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again with the same arguments, on the same address.
    pub fn restart(&mut self) {
        self.kill();
        let address = self.url.trim_start_matches("http://").to_owned();
        let mut environment = self.environment.clone();
        environment.push(("TIENDA_ADDR".to_owned(), address));
        let (child, url) = spawn(&self.args, &environment);
        self.child = Some(child);
        self.url = url;
    }
}

fn spawn(args: &[String], environment: &[(String, String)]) -> (Child, String) {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .env("TIENDA_ADDR", "127.0.0.1:0")
        .env("TIENDA_LOG", "warn")
        // One address drives the whole shop here; a test of the limits sets its own.
        .env("TIENDA_RATE_LIMIT_PER_SECOND", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in environment {
        command.env(name, value);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => panic!("cannot start tienda {args:?}: {error}"),
    };
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        // Keep reading what it prints, so its later logs do not meet a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    }
    let Some(address) = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
    else {
        let _ = child.kill();
        panic!("tienda {args:?} did not start: {line:?}");
    };
    (child, format!("http://{address}"))
}

/// `tienda <args>` with `environment`, listening on a port of its choosing.
pub fn start(args: &[&str], environment: &[(&str, String)]) -> Process {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let environment: Vec<(String, String)> = environment
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    let (child, url) = spawn(&args, &environment);
    Process {
        child: Some(child),
        args,
        environment,
        url,
    }
}

/// `tienda serve <service>` with `environment`.
pub fn serve(service: &str, environment: &[(&str, String)]) -> Process {
    start(&["serve", service], environment)
}

/// The broker side of a distributed test: a RabbitMQ exchange and queues of its own (removed by
/// [`Backbone::tear_down`]), and the secret the identity and orders processes share.
pub struct Backbone {
    broker: String,
    exchange: String,
    prefix: String,
    secret: String,
}

impl Backbone {
    /// Names no other test uses.
    pub fn new() -> Self {
        let prefix = format!("test.{}", uuid::Uuid::now_v7().simple());
        Self {
            broker: platform::testing::events::amqp_url(),
            exchange: format!("{prefix}.events"),
            prefix,
            secret: "a secret only these processes share".to_owned(),
        }
    }

    /// The environment of a `tienda serve` on `database` with events over this backbone.
    pub fn environment(
        &self,
        database: &platform::testing::TestDatabase,
    ) -> Vec<(&'static str, String)> {
        use platform::config::ExposeSecret;
        vec![
            (
                "TIENDA_DATABASE_URL",
                database.config.url.expose_secret().to_owned(),
            ),
            ("TIENDA_AMQP_URL", self.broker.clone()),
            ("TIENDA_AMQP_EXCHANGE", self.exchange.clone()),
            ("TIENDA_AMQP_QUEUE_PREFIX", self.prefix.clone()),
            ("TIENDA_SERVICE_SECRET", self.secret.clone()),
        ]
    }

    /// Removes the exchange and every consumer's queue.
    pub async fn tear_down(self) {
        let config = platform::events::amqp::AmqpConfig {
            exchange: self.exchange,
            queue_prefix: self.prefix,
            ..platform::events::amqp::AmqpConfig::new(self.broker)
        };
        platform::testing::events::delete_topology(
            &config,
            &["customers", "catalog", "orders", "support"],
        )
        .await;
    }
}

//! A headless Chromium driven through chromedriver, for one test.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(15);

/// A browser session; chromedriver stops with it.
pub struct Browser {
    pub client: Client,
    pub base: String,
    _driver: Child,
    _profile: tempfile::TempDir,
}

fn required() -> bool {
    std::env::var("TIENDA_TEST_REQUIRE_SERVICES").is_ok_and(|value| value == "1")
}

/// The window, `TIENDA_TEST_WINDOW` (`360,800` to look at the phone layout), else 1280 × 900.
fn window_size() -> String {
    std::env::var("TIENDA_TEST_WINDOW").unwrap_or_else(|_| "1280,900".to_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

impl Browser {
    /// A browser on `base` (the shop's address), at 1280 × 900 (see [`window_size`]); `None` (the test passes with
    /// a note) when chromedriver is not installed, unless browsers are required.
    pub async fn open(base: &str) -> Option<Self> {
        let driver = std::env::var("TIENDA_TEST_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
        let chromium = std::env::var("TIENDA_TEST_CHROMIUM")
            .unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        if !std::path::Path::new(&driver).exists() || !std::path::Path::new(&chromium).exists() {
            if required() {
                panic!(
                    "the browser tests need {driver} and {chromium} \
                     (apt-get install chromium chromium-driver)"
                );
            }
            eprintln!(
                "skipped: no chromedriver at {driver} (set TIENDA_TEST_REQUIRE_SERVICES=1 to fail)"
            );
            return None;
        }
        let port = free_port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("chromedriver did not start: {e}"));
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--window-size={}", window_size()),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        // A desktop window is at least 500 px wide: narrower views are a phone's screen.
        if let Some((width, height)) = window_size().split_once(',')
            && width.parse::<u32>().is_ok_and(|width| width < 500)
            && let Some(options) = capabilities.get_mut("goog:chromeOptions")
        {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": width.parse::<u32>().unwrap_or(360),
                    "height": height.parse::<u32>().unwrap_or(800),
                    "pixelRatio": 1,
                },
            });
        }
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..50 {
            // chromedriver speaks plain HTTP on loopback: no TLS connector needed.
            let mut builder = ClientBuilder::new(HttpConnector::new());
            match builder
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Self {
                        client,
                        base: base.to_owned(),
                        _driver: child,
                        _profile: profile,
                    });
                }
                Err(error) => last_error = error.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("chromedriver did not answer: {last_error}");
    }

    /// Opens `path` of the shop.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    }

    /// The element `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(error) => panic!("no {css} on {}: {error}", self.url().await),
        }
    }

    /// Types `text` into the field `css` (emptied first).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("{e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Clicks `css`.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// The page's address.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|url| url.to_string())
            .unwrap_or_default()
    }

    /// The visible text of `<main>`.
    pub async fn main_text(&self) -> String {
        match self.client.find(Locator::Css("main")).await {
            Ok(main) => main.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until `<main>` shows `text`; panics with what it shows otherwise.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let shown = self.main_text().await;
            if shown.contains(text) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "{} never showed {text:?}; it shows:\n{shown}",
                    self.url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Keeps a screenshot of the page as `<name>.png` when `TIENDA_TEST_SCREENSHOTS` names a
    /// folder.
    pub async fn screenshot(&self, name: &str) {
        let Ok(folder) = std::env::var("TIENDA_TEST_SCREENSHOTS") else {
            return;
        };
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let path = std::path::Path::new(&folder).join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

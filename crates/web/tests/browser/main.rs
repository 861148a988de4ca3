//! The website in a real browser: headless Chromium through chromedriver (Debian's `chromium`
//! and `chromium-driver`). Journeys a shopper makes, the keyboard alone, Spanish, the back
//! office's journeys (agent, seller, administrator), and an accessibility check with axe-core
//! (vendored in `vendor/`).
//!
//! Without chromedriver these tests say so and pass, unless `TIENDA_TEST_REQUIRE_SERVICES=1`
//! (CI), where a missing browser fails them. `TIENDA_TEST_CHROMEDRIVER` and
//! `TIENDA_TEST_CHROMIUM` point at other binaries; `TIENDA_TEST_SCREENSHOTS=<folder>` keeps a
//! screenshot of each page the journeys look at.

#[path = "../support/mod.rs"]
mod support;

mod accessibility;
mod back_office;
mod browser;
mod journeys;

//! axe-core in the browser on the pages a shopper sees most: no serious or critical violation.

use platform::db::Backend;

use crate::browser::Browser;
use crate::support::spawn_shop;

/// axe-core, vendored (see `vendor/README.md`).
const AXE: &str = include_str!("vendor/axe.min.js");

/// The serious and critical violations axe finds on the page, as `rule: targets`.
pub async fn serious_violations(browser: &Browser) -> Vec<String> {
    browser
        .client
        .execute(AXE, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe did not load: {e}"));
    let result = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations))
                .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("axe did not run: {e}"));
    result
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|violation| matches!(violation["impact"].as_str(), Some("serious" | "critical")))
        .map(|violation| {
            let targets: Vec<String> = violation["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|node| node["target"].to_string())
                .collect();
            format!(
                "{}: {} ({})",
                violation["id"],
                violation["help"],
                targets.join(", ")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_product_cart_checkout_and_my_orders_have_no_serious_accessibility_violation() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    let book = shop.product_id("quixote").await;
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut check = async |browser: &Browser, path: &str| {
        browser.goto(path).await;
        browser.find("main").await;
        found.push((path.to_owned(), serious_violations(browser).await));
    };
    check(&browser, "/").await;
    check(&browser, &format!("/products/{book}")).await;
    check(&browser, "/products?q=austen").await;

    // A customer with a cart, for the cart, the checkout and their orders.
    browser.goto("/register").await;
    browser.fill("#name", "Dana Gil").await;
    browser
        .fill("#email", &platform::testing::unique_email())
        .await;
    browser.fill("#password", crate::support::PASSWORD).await;
    browser.click("form button.primary").await;
    browser.wait_for_text("Welcome to Tienda").await;
    browser.goto(&format!("/products/{book}")).await;
    browser.click("form.add button[type=submit]").await;
    browser.wait_for_text("Added to your cart.").await;
    check(&browser, "/cart").await;
    check(&browser, "/checkout").await;
    check(&browser, "/account/orders").await;
    check(&browser, "/account").await;
    check(&browser, "/login").await;
    let failures: Vec<&(String, Vec<String>)> =
        found.iter().filter(|(_, v)| !v.is_empty()).collect();
    assert!(
        failures.is_empty(),
        "serious or critical violations: {failures:#?}"
    );
    browser.close().await;
}

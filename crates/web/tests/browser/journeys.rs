//! What a shopper does, in a real browser.

use fantoccini::key::Key;
use platform::db::Backend;
use reqwest::Method;
use serde_json::json;

use crate::browser::Browser;
use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, spawn_shop};

/// Searches for the book, opens it and adds it to the cart.
async fn add_don_quixote(browser: &Browser) {
    browser.goto("/").await;
    browser.fill("#site-search", "quixote").await;
    browser.click(".search button[type=submit]").await;
    browser.wait_for_text("Results for").await;
    browser.click(".card a[href^='/products/']").await;
    browser.wait_for_text("Miguel de Cervantes").await;
    browser.screenshot("product").await;
    browser.click("form.add button[type=submit]").await;
    browser.wait_for_text("Added to your cart.").await;
}

/// Registers from the cart page's way in; the shopper lands back where they were.
async fn register(browser: &Browser, name: &str) -> String {
    let email = platform::testing::unique_email();
    browser.goto("/register?next=/cart").await;
    browser.fill("#name", name).await;
    browser.fill("#email", &email).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form button.primary").await;
    browser
        .wait_for_text(&format!("Welcome to Tienda, {name}."))
        .await;
    email
}

/// Fills the checkout form with `card` and pays.
async fn pay(browser: &Browser, card: &str) {
    browser.click("a.button.primary[href^='/checkout']").await;
    browser.wait_for_text("Delivery address").await;
    browser.fill("#c-line1", "Calle Mayor 1").await;
    browser.fill("#c-city", "Madrid").await;
    browser.fill("#c-postal", "28013").await;
    browser.fill("#c-country", "ES").await;
    browser.fill("#c-number", card).await;
    browser.fill("#c-month", "12").await;
    browser.fill("#c-year", "2031").await;
    browser.fill("#c-cvc", "123").await;
    browser.screenshot("checkout").await;
    browser.click("#place-order").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_finds_a_book_registers_keeps_the_cart_and_buys_it() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    browser.goto("/").await;
    browser.find("main").await;
    browser.screenshot("home").await;
    add_don_quixote(&browser).await;
    browser.wait_for_text("Don Quixote").await;
    register(&browser, "Ana Pérez").await;
    browser.wait_for_text("Don Quixote").await;
    browser.screenshot("cart").await;
    pay(&browser, "4242 4242 4242 4242").await;
    browser.wait_for_text("Thank you for your order").await;
    let number = browser
        .find("#order-number")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(number.len(), 36, "an order number: {number}");
    browser
        .click("a.button.primary[href^='/account/orders/']")
        .await;
    browser.wait_for_text("What you ordered").await;
    browser.screenshot("order").await;
    browser.goto("/account/orders").await;
    browser.wait_for_text(&number).await;
    browser.wait_for_text("Paid").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_card_shows_the_reason_and_keeps_the_cart() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    register(&browser, "Bruno Díaz").await;
    add_don_quixote(&browser).await;
    pay(&browser, "4000 0000 0000 9995").await;
    browser
        .wait_for_text("The payment was declined: insufficient funds.")
        .await;
    browser.goto("/cart").await;
    browser.wait_for_text("Don Quixote").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_about_an_order_shows_the_agents_reply() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    register(&browser, "Carla Ruiz").await;
    add_don_quixote(&browser).await;
    pay(&browser, "4242 4242 4242 4242").await;
    browser.wait_for_text("Thank you for your order").await;
    browser
        .click("a.button.primary[href^='/account/orders/']")
        .await;
    browser
        .click("a[href^='/account/incidents/new?order=']")
        .await;
    browser.wait_for_text("About order").await;
    browser.fill("#i-subject", "The cover is torn").await;
    browser
        .fill("#i-description", "It arrived with a torn cover.")
        .await;
    browser.click("form button.primary").await;
    browser.wait_for_text("We have your message").await;
    let incident = browser
        .url()
        .await
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();

    let admin = shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, _) = shop
        .api(
            Method::POST,
            &admin,
            &format!("/api/support/incidents/{incident}/comments"),
            Some(json!({"body": "We are sending a new copy."})),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    browser
        .client
        .refresh()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.wait_for_text("We are sending a new copy.").await;
    browser.screenshot("incident").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spanish_site_shows_spanish_words_and_money() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    browser.goto("/products?q=quixote").await;
    browser.click("footer button[value=es]").await;
    browser.wait_for_text("Resultados de").await;
    browser.click(".card a[href^='/products/']").await;
    browser.wait_for_text("Añadir al carrito").await;
    // WebDriver gives the no-break space between number and symbol as a space.
    browser.wait_for_text("8,99 €").await;
    let lang = browser
        .find("html")
        .await
        .attr("lang")
        .await
        .unwrap_or_default();
    assert_eq!(lang.as_deref(), Some("es"));
    browser.screenshot("producto").await;
    browser.close().await;
}

/// Presses Tab until the focused element matches `css` (at most 80 times); panics otherwise.
async fn tab_to(browser: &Browser, css: &str) {
    let script = "return document.activeElement && document.activeElement.matches(arguments[0]);";
    for _ in 0..80 {
        let focused = browser
            .client
            .execute(script, vec![json!(css)])
            .await
            .unwrap_or_default();
        if focused == json!(true) {
            return;
        }
        browser
            .client
            .active_element()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .send_keys(&Key::Tab)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    panic!("Tab never reached {css} on {}", browser.url().await);
}

/// Presses Enter on the focused element.
async fn enter(browser: &Browser) {
    browser
        .client
        .active_element()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .send_keys(&Key::Enter)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_alone_goes_from_home_to_a_book_in_the_cart() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    browser.goto("/").await;
    // The first Tab reaches the skip link, which shows itself.
    tab_to(&browser, "a.skip").await;
    let shown = browser
        .client
        .execute(
            "return document.activeElement.getBoundingClientRect().left >= 0;",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert_eq!(shown, json!(true), "the focused skip link is on screen");
    tab_to(&browser, "#site-search").await;
    browser
        .client
        .active_element()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .send_keys(&format!("quixote{}", &*Key::Enter))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.wait_for_text("Results for").await;
    tab_to(&browser, ".card a").await;
    enter(&browser).await;
    browser.wait_for_text("Miguel de Cervantes").await;
    tab_to(&browser, "form.add button").await;
    enter(&browser).await;
    browser.wait_for_text("Added to your cart.").await;
    browser.wait_for_text("Don Quixote").await;
    browser.close().await;
}

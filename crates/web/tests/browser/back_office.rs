//! What the people who run the shop do at `/admin`, in a real browser: an agent works an
//! incident from the queue with the keyboard, a seller lists a book and stocks it, an
//! administrator ships an order; axe-core on the back office's main pages.

use fantoccini::key::Key;
use platform::db::Backend;
use reqwest::StatusCode;

use crate::accessibility::serious_violations;
use crate::browser::Browser;
use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Shop, last_segment, spawn_shop};

/// Signs in through the login form.
async fn sign_in(browser: &Browser, email: &str, password: &str) {
    browser.goto("/login").await;
    browser.fill("#email", email).await;
    browser.fill("#password", password).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("Welcome back").await;
}

/// Signs out through the header's button.
async fn sign_out(browser: &Browser) {
    browser.click("form[action='/logout'] button").await;
    browser.find("a[href='/login']").await;
}

/// Presses `key` on whatever has the focus (the page itself when nothing has).
async fn press(browser: &Browser, key: &str) {
    browser
        .client
        .active_element()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .send_keys(key)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A customer's incident, opened through the site; its id and the customer's email.
async fn open_incident(shop: &Shop, subject: &str) -> (String, String) {
    let (customer, email, _) = shop.person("Ana Pérez", "customer").await;
    let form = customer.get("/account/incidents/new").await;
    let opened = customer
        .post(
            "/account/incidents",
            &form.csrf(),
            &[
                ("key", &form.field("key").unwrap_or_default()),
                ("category", "other"),
                ("subject", subject),
                ("description", "The box arrived soaked."),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.html);
    (last_segment(&opened.location()), email)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_takes_an_incident_with_the_keyboard_notes_replies_and_resolves_it() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    let (incident, customer_email) = open_incident(&shop, "My parcel is wet").await;
    let (_, agent_email, _) = shop.person("Irene Agent", "agent").await;
    sign_in(&browser, &agent_email, PASSWORD).await;
    browser.goto("/admin/incidents").await;
    browser.wait_for_text("My parcel is wet").await;
    browser.wait_for_text("Keyboard shortcuts").await;
    browser.screenshot("queue").await;
    // j chooses the first incident, c takes it, j and o open it: no mouse.
    press(&browser, "j").await;
    press(&browser, "c").await;
    browser.wait_for_text("The incident is yours.").await;
    press(&browser, "j").await;
    press(&browser, "o").await;
    browser.wait_for_text("The box arrived soaked.").await;
    assert!(
        browser
            .url()
            .await
            .ends_with(&format!("/admin/incidents/{incident}"))
    );

    browser
        .fill("#desk-body", "Courier's fault; claim with them.")
        .await;
    browser.click("button[name=kind][value=note]").await;
    browser.wait_for_text("Internal note added.").await;
    browser
        .fill("#desk-body", "We are sending a new one today.")
        .await;
    browser.click("button[name=kind][value=reply]").await;
    browser.wait_for_text("Reply sent.").await;
    browser.wait_for_text("Internal note").await;
    browser.click("button[name=to][value=resolved]").await;
    browser.wait_for_text("Status changed.").await;
    browser.screenshot("desk-incident").await;

    sign_out(&browser).await;
    sign_in(&browser, &customer_email, PASSWORD).await;
    browser
        .goto(&format!("/account/incidents/{incident}"))
        .await;
    browser
        .wait_for_text("We are sending a new one today.")
        .await;
    browser.wait_for_text("Resolved").await;
    let shown = browser.main_text().await;
    assert!(
        !shown.contains("Courier's fault"),
        "the note stays inside:\n{shown}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_lists_a_book_stocks_it_and_the_shop_shows_it() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    let (_, seller_email, _) = shop.person("Libros Sol", "seller").await;
    sign_in(&browser, &seller_email, PASSWORD).await;
    browser.click("a[href='/admin']").await;
    browser.wait_for_text("Products").await;
    browser.click("a[href='/admin/products/new']").await;
    browser.fill("#p-name", "Poemas del mar").await;
    browser
        .fill("#p-description", "Verses about the sea.")
        .await;
    let category = browser.find("#p-category option:nth-child(2)").await;
    category.click().await.unwrap_or_else(|e| panic!("{e}"));
    browser.fill("#p-price", "12.50").await;
    browser.fill("#p-stock", "0").await;
    browser.fill("#p-author", "Rosalía de Castro").await;
    browser.fill("#p-isbn", "978-0-306-40615-7").await;
    browser.click("form.product-form button.primary").await;
    browser.wait_for_text("Listed.").await;
    browser.fill("#s-delta", "12").await;
    browser.fill("#s-reason", "Delivery from the printer").await;
    browser.click("form[action$='/stock'] button").await;
    browser.wait_for_text("it is now 12").await;
    browser.wait_for_text("Delivery from the printer").await;
    browser.screenshot("seller-stock").await;
    let product = browser
        .url()
        .await
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    browser.click("a[href^='/products/']").await;
    browser.wait_for_text("Poemas del mar").await;
    browser.wait_for_text("In stock (12)").await;
    assert!(
        browser
            .url()
            .await
            .ends_with(&format!("/products/{product}"))
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_ships_a_paid_order_and_the_customer_sees_the_tracking() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    let book = shop.product_id("quixote").await;
    let (customer, ..) = shop.person("Ana Pérez", "customer").await;
    customer.add_to_cart(&book, "1").await;
    let order = last_segment(&customer.checkout("4242 4242 4242 4242").await.location());

    sign_in(&browser, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.goto("/admin").await;
    browser.wait_for_text("orders paid today").await;
    browser.click(".admin-menu a[href='/admin/orders']").await;
    browser
        .click(&format!("a[href='/admin/orders/{order}']"))
        .await;
    browser.wait_for_text("Fulfilment").await;
    browser.fill("#s-tracking", "PQ123456789ES").await;
    browser.click("form[action$='/shipment'] button").await;
    browser
        .wait_for_text("the customer sees the tracking number")
        .await;
    browser.wait_for_text("PQ123456789ES").await;
    browser.screenshot("admin-order").await;

    let page = customer.get(&format!("/account/orders/{order}")).await;
    page.assert_says("PQ123456789ES");
    page.assert_says("Shipped");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_back_office_has_no_serious_accessibility_violation_and_tab_reaches_the_queue() {
    let shop = spawn_shop(Backend::Sqlite).await;
    let Some(browser) = Browser::open(&shop.base).await else {
        return;
    };
    let (incident, _) = open_incident(&shop, "My parcel is wet").await;
    let admin_token = shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, record) = shop
        .api(
            reqwest::Method::POST,
            &admin_token,
            "/api/customers",
            Some(serde_json::json!({"given_name": "Lucía", "family_name": "Gómez", "email": platform::testing::unique_email()})),
        )
        .await;
    let customer = record["id"].as_str().unwrap_or_default().to_owned();
    sign_in(&browser, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for path in [
        "/admin/dashboard".to_owned(),
        "/admin/incidents".to_owned(),
        format!("/admin/incidents/{incident}"),
        format!("/admin/customers/{customer}"),
        "/admin/orders".to_owned(),
        "/admin/products".to_owned(),
        "/admin/products/new".to_owned(),
        "/admin/categories".to_owned(),
        "/admin/users".to_owned(),
        "/admin/delivery-options".to_owned(),
        "/admin/dead-letters".to_owned(),
    ] {
        browser.goto(&path).await;
        browser.find("main h1").await;
        found.push((path.clone(), serious_violations(&browser).await));
    }
    browser.screenshot("customer-view").await;
    let failures: Vec<&(String, Vec<String>)> =
        found.iter().filter(|(_, v)| !v.is_empty()).collect();
    assert!(
        failures.is_empty(),
        "serious or critical violations: {failures:#?}"
    );
    // Tab alone reaches the first incident of the queue, and Enter opens it.
    browser.goto("/admin/incidents").await;
    for _ in 0..60 {
        let on_incident = browser
            .client
            .execute(
                "return !!document.activeElement.matches('a[data-open]');",
                vec![],
            )
            .await
            .unwrap_or_default();
        if on_incident == serde_json::json!(true) {
            break;
        }
        press(&browser, &Key::Tab).await;
    }
    press(&browser, &Key::Enter).await;
    browser.wait_for_text("The box arrived soaked.").await;
    browser.close().await;
}

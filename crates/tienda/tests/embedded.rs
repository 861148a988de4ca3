//! The embedded mode as `tienda` runs it: every service in one app on SQLite files in a data dir.

use platform::config::ExposeSecret;
use platform::testing::spawn_router;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tienda::Settings;

fn settings_in(dir: &std::path::Path) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        ..Settings::default()
    }
}

async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_data_dir_gets_an_administrator_whose_password_is_shown_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let built = tienda::build_embedded(&settings_in(dir.path())).await?;
    let Some(admin) = built.generated_admin else {
        panic!("no administrator was generated on a new data dir");
    };
    let address = spawn_router(built.app.router()).await;
    let client = reqwest::Client::new();
    let login = client
        .post(format!("http://{address}/api/identity/login"))
        .json(&json!({"email": admin.email, "password": admin.password.expose_secret()}))
        .send()
        .await?;
    assert_eq!(login.status(), StatusCode::OK);
    let ready = client
        .get(format!("http://{address}/health/ready"))
        .send()
        .await?;
    assert_eq!(ready.status(), StatusCode::OK);
    for file in ["identity.db", "identity-signing-key.pem"] {
        assert!(dir.path().join(file).exists(), "{file} missing");
    }
    // The second start finds the administrator and generates nothing.
    drop(built.app);
    let again = tienda::build_embedded(&settings_in(dir.path())).await?;
    assert!(again.generated_admin.is_none());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_keys_and_tokens_survive_a_restart() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let client = reqwest::Client::new();
    let first = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(first.app.router()).await;
    let registered = client
        .post(format!("http://{address}/api/identity/register"))
        .json(&json!({"email": "lucia@example.com", "password": "copper meadow lantern", "name": "Lucía"}))
        .send()
        .await?;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let tokens = body(
        client
            .post(format!("http://{address}/api/identity/login"))
            .json(&json!({"email": "lucia@example.com", "password": "copper meadow lantern"}))
            .send()
            .await?,
    )
    .await;
    let access = tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let jwks_before = body(
        client
            .get(format!("http://{address}/api/identity/jwks.json"))
            .send()
            .await?,
    )
    .await;

    let second = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(second.app.router()).await;
    let jwks_after = body(
        client
            .get(format!("http://{address}/api/identity/jwks.json"))
            .send()
            .await?,
    )
    .await;
    assert_eq!(
        jwks_before, jwks_after,
        "the signing key must persist in the data dir"
    );
    let me = client
        .get(format!("http://{address}/api/identity/me"))
        .bearer_auth(&access)
        .send()
        .await?;
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "a token issued before the restart still works"
    );
    assert_eq!(body(me).await["email"], "lucia@example.com");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_document_and_its_viewer_are_served() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let built = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(built.app.router()).await;
    let document = body(reqwest::get(format!("http://{address}/api/openapi.json")).await?).await;
    assert!(document["paths"]["/api/identity/login"]["post"].is_object());
    assert!(document["paths"]["/api/catalog/products"]["get"].is_object());
    let categories = reqwest::get(format!("http://{address}/api/catalog/categories")).await?;
    assert_eq!(categories.status(), StatusCode::OK);
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let viewer = reqwest::get(format!("http://{address}/api/docs/")).await?;
    assert_eq!(viewer.status(), StatusCode::OK);
    assert!(viewer.text().await?.contains("swagger"));
    let mut dangling = Vec::new();
    dangling_refs(&document, &document, &mut dangling);
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
    // Every operation documents what the stack may answer whatever the handler does.
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            operations += 1;
            let responses = &operation["responses"];
            let has = |status: &str| responses[status].is_object();
            assert!(has("429") && has("503"), "{method} {path}");
            assert!(
                responses["429"]["headers"]["Retry-After"].is_object(),
                "{method} {path}"
            );
            if operation["security"].to_string().contains("bearer") {
                assert!(has("401"), "{method} {path}: no 401");
            }
            if operation["requestBody"].is_object() {
                assert!(has("413") && has("415") && has("400"), "{method} {path}");
            }
            if path.contains('{') {
                assert!(has("404"), "{method} {path}: no 404");
            }
        }
    }
    assert!(operations > 50, "{operations} operations");
    Ok(())
}

/// Every `$ref` in `value` that names no schema of `document`.
fn dangling_refs(document: &Value, value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                match (name.as_str(), field.as_str()) {
                    ("$ref", Some(target)) => {
                        let pointer = target.trim_start_matches('#');
                        if document.pointer(pointer).is_none() {
                            found.push(target.to_owned());
                        }
                    }
                    _ => dangling_refs(document, field, found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| dangling_refs(document, item, found)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_customer_reaches_its_own_record_and_staff_see_the_demo_customers()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let built = tienda::build_embedded(&settings_in(dir.path())).await?;
    let Some(admin) = built.generated_admin else {
        panic!("no administrator generated")
    };
    let address = spawn_router(built.app.router()).await;
    let client = reqwest::Client::new();
    let api = |path: &str| format!("http://{address}/api{path}");
    client
        .post(api("/identity/register"))
        .json(&json!({"email": "Marta.Soler@example.com", "password": "copper meadow lantern", "name": "Marta Soler Vidal"}))
        .send()
        .await?
        .error_for_status()?;
    let login = |email: String, password: String| {
        let client = client.clone();
        let url = api("/identity/login");
        async move {
            let pair = body(
                client
                    .post(url)
                    .json(&json!({"email": email, "password": password}))
                    .send()
                    .await?,
            )
            .await;
            anyhow::Ok(pair["access_token"].as_str().unwrap_or_default().to_owned())
        }
    };
    let customer = login(
        "marta.soler@example.com".into(),
        "copper meadow lantern".into(),
    )
    .await?;
    let own = client
        .get(api("/customers/me"))
        .bearer_auth(&customer)
        .send()
        .await?;
    assert_eq!(own.status(), StatusCode::OK);
    let own = body(own).await;
    assert_eq!(own["given_name"], "Marta");
    assert_eq!(own["family_name"], "Soler Vidal");
    assert_eq!(own["email"], "marta.soler@example.com");

    let staff = login(
        admin.email.clone(),
        admin.password.expose_secret().to_owned(),
    )
    .await?;
    let page = body(
        client
            .get(api("/customers?limit=100"))
            .bearer_auth(&staff)
            .send()
            .await?,
    )
    .await;
    let count = page["items"].as_array().map_or(0, Vec::len);
    assert_eq!(count, 37, "36 demo customers and Marta");
    // Support has demo incidents for staff, none for the new customer.
    let queue = body(
        client
            .get(api("/support/incidents?limit=100"))
            .bearer_auth(&staff)
            .send()
            .await?,
    )
    .await;
    assert_eq!(queue["items"].as_array().map_or(0, Vec::len), 12);
    let opened = client
        .post(api("/support/incidents"))
        .bearer_auth(&customer)
        .json(&json!({"subject": "Where is my order?", "description": "Ordered last week.", "category": "order"}))
        .send()
        .await?;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let own_queue = body(
        client
            .get(api("/support/incidents"))
            .bearer_auth(&customer)
            .send()
            .await?,
    )
    .await;
    assert_eq!(own_queue["items"].as_array().map_or(0, Vec::len), 1);
    assert_eq!(
        own_queue["items"][0]["requester_email"],
        "marta.soler@example.com"
    );
    // The customer still cannot list everyone.
    let listing = client
        .get(api("/customers"))
        .bearer_auth(&customer)
        .send()
        .await?;
    assert_eq!(listing.status(), StatusCode::FORBIDDEN);
    // Logging out in identity ends the token in customers too (one process, one revocation check).
    client
        .post(api("/identity/logout"))
        .bearer_auth(&customer)
        .send()
        .await?;
    let after = client
        .get(api("/customers/me"))
        .bearer_auth(&customer)
        .send()
        .await?;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_can_be_turned_off() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        demo_data: false,
        ..settings_in(dir.path())
    };
    let built = tienda::build_embedded(&settings).await?;
    let Some(admin) = built.generated_admin else {
        panic!("no administrator generated")
    };
    let address = spawn_router(built.app.router()).await;
    let client = reqwest::Client::new();
    let pair = body(
        client
            .post(format!("http://{address}/api/identity/login"))
            .json(&json!({"email": admin.email, "password": admin.password.expose_secret()}))
            .send()
            .await?,
    )
    .await;
    let token = pair["access_token"].as_str().unwrap_or_default();
    let page = body(
        client
            .get(format!("http://{address}/api/customers"))
            .bearer_auth(token)
            .send()
            .await?,
    )
    .await;
    assert_eq!(page["items"], json!([]));
    let products =
        body(reqwest::get(format!("http://{address}/api/catalog/products")).await?).await;
    assert_eq!(products["items"], json!([]));
    Ok(())
}

/// How many active products of `kind` the catalog lists, walking every page.
async fn count_products(address: std::net::SocketAddr, kind: &str) -> anyhow::Result<usize> {
    let mut count = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("http://{address}/api/catalog/products?kind={kind}&limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = body(reqwest::get(url).await?).await;
        count += page["items"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(count),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_data_dir_gets_a_believable_catalog() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let built = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(built.app.router()).await;
    assert!(count_products(address, "book").await? >= 60);
    assert!(count_products(address, "pet").await? >= 25);
    assert!(count_products(address, "item").await? >= 5);
    let tree = body(reqwest::get(format!("http://{address}/api/catalog/categories")).await?).await;
    let top: Vec<&str> = tree["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(top.contains(&"Books") && top.contains(&"Pets"), "{top:?}");
    let found =
        body(reqwest::get(format!("http://{address}/api/catalog/products?q=quixote")).await?).await;
    assert_eq!(
        found["items"][0]["attributes"]["author"],
        "Miguel de Cervantes"
    );
    let reviewed = body(
        reqwest::get(format!(
            "http://{address}/api/catalog/products?sort=rating&limit=1"
        ))
        .await?,
    )
    .await;
    assert!(reviewed["items"][0]["rating_count"].as_i64().unwrap_or(0) > 0);
    // A restart seeds nothing twice.
    drop(built);
    let again = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(again.app.router()).await;
    assert_eq!(count_products(address, "pet").await?, 28);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_of_the_embedded_shop_buys_a_demo_book() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let built = tienda::build_embedded(&settings_in(dir.path())).await?;
    let address = spawn_router(built.app.router()).await;
    let client = reqwest::Client::new();
    let url = |path: &str| format!("http://{address}{path}");
    let registered = client
        .post(url("/api/identity/register"))
        .json(&json!({"email": "reader@example.com", "password": "quiet harbor lantern", "name": "Reader"}))
        .send()
        .await?;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let login = body(
        client
            .post(url("/api/identity/login"))
            .json(&json!({"email": "reader@example.com", "password": "quiet harbor lantern"}))
            .send()
            .await?,
    )
    .await;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let found = body(reqwest::get(url("/api/catalog/products?q=quixote")).await?).await;
    let book = found["items"][0].clone();
    let added = client
        .post(url("/api/orders/cart/items"))
        .bearer_auth(&token)
        .json(&json!({"product_id": book["id"], "quantity": 1}))
        .send()
        .await?;
    assert_eq!(added.status(), StatusCode::OK);
    let options = body(reqwest::get(url("/api/orders/delivery-options")).await?).await;
    assert!(
        options.as_array().is_some_and(|all| all.len() >= 3),
        "{options}"
    );
    let paid = client
        .post(url("/api/orders/checkout"))
        .bearer_auth(&token)
        .header("idempotency-key", "first-order")
        .json(&json!({
            "shipping_address": {"name": "Reader", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
            "delivery_option": options[0]["id"],
            "payment": {"method": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Reader"}
        }))
        .send()
        .await?;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order = body(paid).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["lines"][0]["name"], book["name"]);
    let after = body(
        reqwest::get(url(&format!(
            "/api/catalog/products/{}",
            book["id"].as_str().unwrap_or_default()
        )))
        .await?,
    )
    .await;
    assert_eq!(
        after["stock"].as_i64(),
        book["stock"].as_i64().map(|stock| stock - 1)
    );
    Ok(())
}

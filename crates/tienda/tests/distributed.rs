//! `tienda serve identity`: one service on the database of `TIENDA_DATABASE_URL`, with its key
//! and first administrator from configuration. Runs on PostgreSQL (and on a SQLite URL).

#[expect(dead_code, reason = "this file starts no process")]
mod common;

use common::signing_key;
use platform::backend_test;
use platform::config::SecretString;
use platform::testing::{TestDatabase, spawn_router};
use reqwest::StatusCode;
use serde_json::json;
use tienda::{ServiceName, Settings};

const ADMIN_EMAIL: &str = "ops@example.com";
const ADMIN_PASSWORD: &str = "granite willow beacon 9";

/// `serve identity` on `database` with `key` and the test administrator; its address.
async fn serve_identity(database: &TestDatabase, key: std::path::PathBuf) -> std::net::SocketAddr {
    let settings = Settings {
        database_url: Some(database.config.url.clone()),
        jwt_key_file: Some(key),
        admin_email: Some(ADMIN_EMAIL.to_owned()),
        admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
        ..Settings::default()
    };
    match tienda::build_single(&settings, ServiceName::Identity).await {
        Ok(identity) => spawn_router(identity.app.router()).await,
        Err(error) => panic!("identity did not start: {error:#}"),
    }
}

/// `serve <service>` on `database`, trusting the identity at `identity`; its address.
async fn serve_trusting(
    service: ServiceName,
    settings: Settings,
    database: &TestDatabase,
    identity: std::net::SocketAddr,
) -> std::net::SocketAddr {
    let settings = Settings {
        database_url: Some(database.config.url.clone()),
        identity_url: Some(format!("http://{identity}")),
        ..settings
    };
    match tienda::build_single(&settings, service).await {
        Ok(built) => spawn_router(built.app.router()).await,
        Err(error) => panic!("{service:?} did not start: {error:#}"),
    }
}

/// An access token from the identity at `identity`.
async fn access_token(
    client: &reqwest::Client,
    identity: std::net::SocketAddr,
    email: &str,
    password: &str,
) -> String {
    let pair: serde_json::Value = match client
        .post(format!("http://{identity}/api/identity/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
    {
        Ok(response) => response.json().await.unwrap_or_default(),
        Err(error) => panic!("login failed: {error}"),
    };
    pair["access_token"].as_str().unwrap_or_default().to_owned()
}

backend_test! {
    async fn serve_identity_runs_on_the_configured_database(backend) {
        let database = TestDatabase::new(backend).await;
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let settings = Settings {
            database_url: Some(database.config.url.clone()),
            jwt_key_file: Some(signing_key(dir.path())),
            admin_email: Some(ADMIN_EMAIL.to_owned()),
            admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
            data_dir: dir.path().join("unused"),
            ..Settings::default()
        };
        let built = match tienda::build_single(&settings, ServiceName::Identity).await {
            Ok(built) => built,
            Err(error) => panic!("serve identity failed: {error:#}"),
        };
        assert!(built.generated_admin.is_none(), "distributed mode never generates passwords");
        let address = spawn_router(built.app.router()).await;
        let client = reqwest::Client::new();
        let login = client.post(format!("http://{address}/api/identity/login"))
            .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send().await;
        assert_eq!(login.map(|r| r.status()).ok(), Some(StatusCode::OK));
        let ready = client.get(format!("http://{address}/health/ready")).send().await;
        assert_eq!(ready.map(|r| r.status()).ok(), Some(StatusCode::OK));
        assert!(!dir.path().join("unused").exists(), "serve mode must not write to the data dir");
    }
}

backend_test! {
    async fn serve_identity_refuses_to_start_without_its_key_or_database(backend) {
        let database = TestDatabase::new(backend).await;
        let no_key = Settings { database_url: Some(database.config.url.clone()), ..Settings::default() };
        let error = tienda::build_single(&no_key, ServiceName::Identity).await.err().map(|e| format!("{e:#}"));
        assert!(error.as_deref().is_some_and(|e| e.contains("TIENDA_JWT_KEY_FILE")), "{error:?}");
        let missing_key = Settings {
            database_url: Some(database.config.url.clone()),
            jwt_key_file: Some("/nonexistent/jwt.pem".into()),
            ..Settings::default()
        };
        assert!(tienda::build_single(&missing_key, ServiceName::Identity).await.is_err());
        let no_database = Settings::default();
        let error = tienda::build_single(&no_database, ServiceName::Identity).await.err().map(|e| format!("{e:#}"));
        assert!(error.as_deref().is_some_and(|e| e.contains("TIENDA_DATABASE_URL")), "{error:?}");
        let half_admin = Settings {
            database_url: Some(database.config.url.clone()),
            admin_email: Some(ADMIN_EMAIL.to_owned()),
            ..Settings::default()
        };
        assert!(tienda::build_single(&half_admin, ServiceName::Identity).await.is_err());
    }
}

backend_test! {
    async fn migrate_brings_a_service_database_up_to_date(backend) {
        let database = TestDatabase::new(backend).await;
        let settings = Settings { database_url: Some(database.config.url.clone()), ..Settings::default() };
        for _ in 0..2 {
            let migrated = tienda::migrate(&settings, Some(ServiceName::Identity)).await;
            assert!(migrated.is_ok(), "{migrated:?}");
        }
        // Each service needs a database of its own (sqlx keeps one migration table per database).
        let other = TestDatabase::new(backend).await;
        let settings = Settings { database_url: Some(other.config.url.clone()), ..Settings::default() };
        let migrated = tienda::migrate(&settings, Some(ServiceName::Customers)).await;
        assert!(migrated.is_ok(), "{migrated:?}");
        let third = TestDatabase::new(backend).await;
        let settings = Settings { database_url: Some(third.config.url.clone()), ..Settings::default() };
        let migrated = tienda::migrate(&settings, Some(ServiceName::Support)).await;
        assert!(migrated.is_ok(), "{migrated:?}");
        let fourth = TestDatabase::new(backend).await;
        let settings = Settings { database_url: Some(fourth.config.url.clone()), ..Settings::default() };
        for _ in 0..2 {
            let migrated = tienda::migrate(&settings, Some(ServiceName::Catalog)).await;
            assert!(migrated.is_ok(), "{migrated:?}");
        }
    }
}

backend_test! {
    async fn serve_customers_verifies_identitys_tokens_from_its_keys(backend) {
        let identity_db = TestDatabase::new(backend).await;
        let customers_db = TestDatabase::new(backend).await;
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let identity_address = serve_identity(&identity_db, signing_key(dir.path())).await;
        let customers_address = serve_trusting(ServiceName::Customers, Settings::default(), &customers_db, identity_address).await;
        let client = reqwest::Client::new();
        let registered = client.post(format!("http://{identity_address}/api/identity/register"))
            .json(&json!({"email": "dist@example.com", "password": "copper meadow lantern", "name": "Dist Ribuido"}))
            .send().await;
        assert_eq!(registered.map(|r| r.status()).ok(), Some(StatusCode::CREATED));
        let token = access_token(&client, identity_address, "dist@example.com", "copper meadow lantern").await;
        let own = client.get(format!("http://{customers_address}/api/customers/me")).bearer_auth(&token).send().await;
        let own = match own { Ok(response) => response, Err(error) => panic!("{error}") };
        assert_eq!(own.status(), StatusCode::OK);
        let forged = client.get(format!("http://{customers_address}/api/customers/me")).bearer_auth(format!("{token}x")).send().await;
        assert_eq!(forged.map(|r| r.status()).ok(), Some(StatusCode::UNAUTHORIZED));
        // Support in its own process too: the same token opens an incident there.
        let support_db = TestDatabase::new(backend).await;
        let support_settings = Settings {
            support_time_zone: "Europe/Madrid".to_owned(),
            support_hours: "mon-fri 09:00-18:00".to_owned(),
            support_sla: "normal 4h 16h".to_owned(),
            ..Settings::default()
        };
        let support_address = serve_trusting(ServiceName::Support, support_settings, &support_db, identity_address).await;
        let opened = client.post(format!("http://{support_address}/api/support/incidents")).bearer_auth(&token)
            .json(&json!({"subject": "Router", "description": "No light", "category": "service"}))
            .send().await;
        let opened: serde_json::Value = match opened { Ok(r) => { assert_eq!(r.status(), StatusCode::CREATED); r.json().await.unwrap_or_default() }, Err(e) => panic!("{e}") };
        assert_eq!(opened["sla"]["first_response"]["target_secs"], 4 * 3600);
        assert_eq!(opened["requester_email"], "dist@example.com");
        let no_identity = Settings { database_url: Some(customers_db.config.url.clone()), ..Settings::default() };
        let error = tienda::build_single(&no_identity, ServiceName::Customers).await.err().map(|e| format!("{e:#}"));
        assert!(error.as_deref().is_some_and(|e| e.contains("TIENDA_IDENTITY_URL")), "{error:?}");
    }
}

backend_test! {
    async fn serve_catalog_lists_to_anyone_and_takes_writes_with_identitys_tokens(backend) {
        let identity_db = TestDatabase::new(backend).await;
        let catalog_db = TestDatabase::new(backend).await;
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let identity_address = serve_identity(&identity_db, signing_key(dir.path())).await;
        let catalog_address = serve_trusting(ServiceName::Catalog, Settings::default(), &catalog_db, identity_address).await;
        let client = reqwest::Client::new();
        let empty = client.get(format!("http://{catalog_address}/api/catalog/products")).send().await;
        let empty: serde_json::Value = match empty { Ok(response) => response.json().await.unwrap_or_default(), Err(error) => panic!("{error}") };
        assert_eq!(empty["items"], json!([]), "serve mode seeds no demo data");
        let token = access_token(&client, identity_address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let made = client.post(format!("http://{catalog_address}/api/catalog/categories")).bearer_auth(&token)
            .json(&json!({"name": "Books"})).send().await;
        assert_eq!(made.map(|r| r.status()).ok(), Some(StatusCode::CREATED));
        let forged = client.post(format!("http://{catalog_address}/api/catalog/categories")).bearer_auth(format!("{token}x"))
            .json(&json!({"name": "Pets"})).send().await;
        assert_eq!(forged.map(|r| r.status()).ok(), Some(StatusCode::UNAUTHORIZED));
    }
}

backend_test! {
    async fn serve_orders_names_each_missing_setting(backend) {
        let orders_db = TestDatabase::new(backend).await;
        let full = Settings {
            database_url: Some(orders_db.config.url.clone()),
            identity_url: Some("http://127.0.0.1:9".to_owned()),
            catalog_url: Some("http://127.0.0.1:9".to_owned()),
            service_secret: Some(SecretString::from("shared")),
            ..Settings::default()
        };
        for (missing, setting) in [
            (Settings { identity_url: None, ..full.clone() }, "TIENDA_IDENTITY_URL"),
            (Settings { catalog_url: None, ..full.clone() }, "TIENDA_CATALOG_URL"),
            (Settings { service_secret: None, ..full.clone() }, "TIENDA_SERVICE_SECRET"),
        ] {
            let error = tienda::build_single(&missing, ServiceName::Orders).await.err().map(|e| format!("{e:#}"));
            assert!(error.as_deref().is_some_and(|e| e.contains(setting)), "{setting}: {error:?}");
        }
        // With every setting it starts, even before the catalog and identity answer.
        assert!(tienda::build_single(&full, ServiceName::Orders).await.is_ok());
    }
}

//! `tienda serve identity`: one service on the database of `TIENDA_DATABASE_URL`, with its key
//! and first administrator from configuration. Runs on PostgreSQL (and on a SQLite URL).

use platform::backend_test;
use platform::config::SecretString;
use platform::testing::{TestDatabase, spawn_router};
use reqwest::StatusCode;
use serde_json::json;
use tienda::{ServiceName, Settings};

backend_test! {
    async fn serve_identity_runs_on_the_configured_database(backend) {
        let Some(database) = TestDatabase::new(backend).await else { return };
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let key = dir.path().join("jwt.pem");
        // An operator makes the key beforehand (as `openssl genpkey -algorithm ed25519` would).
        let made = identity::keys::TokenSigner::load(
            &identity::keys::KeyFile { path: key.clone(), create_if_missing: true },
            "tienda", "tienda", std::time::Duration::from_secs(60),
        );
        assert!(made.is_ok());
        let settings = Settings {
            database_url: Some(database.config.url.clone()),
            jwt_key_file: Some(key),
            admin_email: Some("ops@example.com".to_owned()),
            admin_password: Some(SecretString::from("granite willow beacon 9")),
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
            .json(&json!({"email": "ops@example.com", "password": "granite willow beacon 9"}))
            .send().await;
        assert_eq!(login.map(|r| r.status()).ok(), Some(StatusCode::OK));
        let ready = client.get(format!("http://{address}/health/ready")).send().await;
        assert_eq!(ready.map(|r| r.status()).ok(), Some(StatusCode::OK));
        assert!(!dir.path().join("unused").exists(), "serve mode must not write to the data dir");
    }
}

backend_test! {
    async fn serve_identity_refuses_to_start_without_its_key_or_database(backend) {
        let Some(database) = TestDatabase::new(backend).await else { return };
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
            admin_email: Some("ops@example.com".to_owned()),
            ..Settings::default()
        };
        assert!(tienda::build_single(&half_admin, ServiceName::Identity).await.is_err());
    }
}

backend_test! {
    async fn migrate_brings_a_service_database_up_to_date(backend) {
        let Some(database) = TestDatabase::new(backend).await else { return };
        let settings = Settings { database_url: Some(database.config.url.clone()), ..Settings::default() };
        for _ in 0..2 {
            let migrated = tienda::migrate(&settings, Some(ServiceName::Identity)).await;
            assert!(migrated.is_ok(), "{migrated:?}");
        }
        // Each service needs a database of its own (sqlx keeps one migration table per database).
        let Some(other) = TestDatabase::new(backend).await else { return };
        let settings = Settings { database_url: Some(other.config.url.clone()), ..Settings::default() };
        let migrated = tienda::migrate(&settings, Some(ServiceName::Customers)).await;
        assert!(migrated.is_ok(), "{migrated:?}");
        let Some(third) = TestDatabase::new(backend).await else { return };
        let settings = Settings { database_url: Some(third.config.url.clone()), ..Settings::default() };
        let migrated = tienda::migrate(&settings, Some(ServiceName::Support)).await;
        assert!(migrated.is_ok(), "{migrated:?}");
        let Some(fourth) = TestDatabase::new(backend).await else { return };
        let settings = Settings { database_url: Some(fourth.config.url.clone()), ..Settings::default() };
        for _ in 0..2 {
            let migrated = tienda::migrate(&settings, Some(ServiceName::Catalog)).await;
            assert!(migrated.is_ok(), "{migrated:?}");
        }
    }
}

backend_test! {
    async fn serve_customers_verifies_identitys_tokens_from_its_keys(backend) {
        let Some(identity_db) = TestDatabase::new(backend).await else { return };
        let Some(customers_db) = TestDatabase::new(backend).await else { return };
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let key = dir.path().join("jwt.pem");
        let made = identity::keys::TokenSigner::load(
            &identity::keys::KeyFile { path: key.clone(), create_if_missing: true },
            "tienda", "tienda", std::time::Duration::from_secs(60),
        );
        assert!(made.is_ok());
        let identity_settings = Settings {
            database_url: Some(identity_db.config.url.clone()),
            jwt_key_file: Some(key),
            ..Settings::default()
        };
        let Ok(identity) = tienda::build_single(&identity_settings, ServiceName::Identity).await else { panic!("identity did not start") };
        let identity_address = spawn_router(identity.app.router()).await;
        let customers_settings = Settings {
            database_url: Some(customers_db.config.url.clone()),
            identity_url: Some(format!("http://{identity_address}")),
            ..Settings::default()
        };
        let customers = match tienda::build_single(&customers_settings, ServiceName::Customers).await {
            Ok(built) => built,
            Err(error) => panic!("customers did not start: {error:#}"),
        };
        let customers_address = spawn_router(customers.app.router()).await;
        let client = reqwest::Client::new();
        let registered = client.post(format!("http://{identity_address}/api/identity/register"))
            .json(&json!({"email": "dist@example.com", "password": "copper meadow lantern", "name": "Dist Ribuido"}))
            .send().await;
        assert_eq!(registered.map(|r| r.status()).ok(), Some(StatusCode::CREATED));
        let pair: serde_json::Value = match client.post(format!("http://{identity_address}/api/identity/login"))
            .json(&json!({"email": "dist@example.com", "password": "copper meadow lantern"}))
            .send().await {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(error) => panic!("login failed: {error}"),
        };
        let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
        let own = client.get(format!("http://{customers_address}/api/customers/me")).bearer_auth(&token).send().await;
        let own = match own { Ok(response) => response, Err(error) => panic!("{error}") };
        assert_eq!(own.status(), StatusCode::OK);
        let forged = client.get(format!("http://{customers_address}/api/customers/me")).bearer_auth(format!("{token}x")).send().await;
        assert_eq!(forged.map(|r| r.status()).ok(), Some(StatusCode::UNAUTHORIZED));
        // Support in its own process too: the same token opens an incident there.
        let Some(support_db) = TestDatabase::new(backend).await else { return };
        let support_settings = Settings {
            database_url: Some(support_db.config.url.clone()),
            identity_url: Some(format!("http://{identity_address}")),
            support_time_zone: "Europe/Madrid".to_owned(),
            support_hours: "mon-fri 09:00-18:00".to_owned(),
            support_sla: "normal 4h 16h".to_owned(),
            ..Settings::default()
        };
        let support = match tienda::build_single(&support_settings, ServiceName::Support).await {
            Ok(built) => built,
            Err(error) => panic!("support did not start: {error:#}"),
        };
        let support_address = spawn_router(support.app.router()).await;
        let opened = client.post(format!("http://{support_address}/api/support/incidents")).bearer_auth(&token)
            .json(&json!({"subject": "Router", "description": "No light", "category": "service"}))
            .send().await;
        let opened: serde_json::Value = match opened { Ok(r) => { assert_eq!(r.status(), StatusCode::CREATED); r.json().await.unwrap_or_default() }, Err(e) => panic!("{e}") };
        assert_eq!(opened["sla"]["first_response"]["target_secs"], 4 * 3600);
        assert_eq!(opened["requester_email"], "dist@example.com");
        let no_identity = Settings { identity_url: None, ..customers_settings };
        let error = tienda::build_single(&no_identity, ServiceName::Customers).await.err().map(|e| format!("{e:#}"));
        assert!(error.as_deref().is_some_and(|e| e.contains("TIENDA_IDENTITY_URL")), "{error:?}");
    }
}

backend_test! {
    async fn serve_catalog_lists_to_anyone_and_takes_writes_with_identitys_tokens(backend) {
        let Some(identity_db) = TestDatabase::new(backend).await else { return };
        let Some(catalog_db) = TestDatabase::new(backend).await else { return };
        let Ok(dir) = tempfile::tempdir() else { panic!("no temp dir") };
        let key = dir.path().join("jwt.pem");
        let made = identity::keys::TokenSigner::load(
            &identity::keys::KeyFile { path: key.clone(), create_if_missing: true },
            "tienda", "tienda", std::time::Duration::from_secs(60),
        );
        assert!(made.is_ok());
        let identity_settings = Settings {
            database_url: Some(identity_db.config.url.clone()),
            jwt_key_file: Some(key),
            admin_email: Some("ops@example.com".to_owned()),
            admin_password: Some(SecretString::from("granite willow beacon 9")),
            ..Settings::default()
        };
        let Ok(identity) = tienda::build_single(&identity_settings, ServiceName::Identity).await else { panic!("identity did not start") };
        let identity_address = spawn_router(identity.app.router()).await;
        let catalog_settings = Settings {
            database_url: Some(catalog_db.config.url.clone()),
            identity_url: Some(format!("http://{identity_address}")),
            ..Settings::default()
        };
        let catalog = match tienda::build_single(&catalog_settings, ServiceName::Catalog).await {
            Ok(built) => built,
            Err(error) => panic!("catalog did not start: {error:#}"),
        };
        let catalog_address = spawn_router(catalog.app.router()).await;
        let client = reqwest::Client::new();
        let empty = client.get(format!("http://{catalog_address}/api/catalog/products")).send().await;
        let empty: serde_json::Value = match empty { Ok(response) => response.json().await.unwrap_or_default(), Err(error) => panic!("{error}") };
        assert_eq!(empty["items"], json!([]), "serve mode seeds no demo data");
        let pair: serde_json::Value = match client.post(format!("http://{identity_address}/api/identity/login"))
            .json(&json!({"email": "ops@example.com", "password": "granite willow beacon 9"}))
            .send().await {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(error) => panic!("login failed: {error}"),
        };
        let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
        let made = client.post(format!("http://{catalog_address}/api/catalog/categories")).bearer_auth(&token)
            .json(&json!({"name": "Books"})).send().await;
        assert_eq!(made.map(|r| r.status()).ok(), Some(StatusCode::CREATED));
        let forged = client.post(format!("http://{catalog_address}/api/catalog/categories")).bearer_auth(format!("{token}x"))
            .json(&json!({"name": "Pets"})).send().await;
        assert_eq!(forged.map(|r| r.status()).ok(), Some(StatusCode::UNAUTHORIZED));
    }
}

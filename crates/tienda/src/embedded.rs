//! The embedded mode: every service in one process, on SQLite files in the data dir, with an
//! in-memory bus; services call each other in process, through their routers.

use std::sync::Arc;

use anyhow::Context;
use platform::App;
use platform::client::ServiceClient;
use platform::config::SecretString;
use platform::http::HttpMetrics;
use platform::time::SystemClock;

use crate::wiring::{
    create_data_dir, embedded_database, event_bus, identity_config, orders_catalog,
};
use crate::{Built, Settings};

/// Every service in one process, on SQLite files in the data dir, with an in-memory bus.
pub async fn build_embedded(settings: &Settings) -> anyhow::Result<Built> {
    create_data_dir(&settings.data_dir)?;
    let metrics = HttpMetrics::new();
    let bus = event_bus(settings, &metrics, true)?;
    // The services of this process share a secret of their own unless one is configured.
    let service_secret = settings
        .service_secret
        .clone()
        .unwrap_or_else(random_secret);
    let identity = identity::build(
        identity_config(
            settings,
            embedded_database(settings, "identity"),
            true,
            Some(service_secret.clone()),
        )?,
        &bus,
    )
    .await
    .context("the identity service did not start")?;
    let customers = customers::build(
        customers::Config {
            demo_data: settings.demo_data,
            ..customers::Config::new(embedded_database(settings, "customers"))
        },
        identity.verifier.clone(),
        &bus,
    )
    .await
    .context("the customers service did not start")?;
    let catalog = catalog::build(
        catalog::Config {
            demo_data: settings.demo_data,
            ..settings.catalog(embedded_database(settings, "catalog"))?
        },
        identity.verifier.clone(),
        &bus,
    )
    .await
    .context("the catalog service did not start")?;
    let support = support::build(
        settings.support(embedded_database(settings, "support"), settings.demo_data)?,
        identity.verifier.clone(),
        Arc::new(SystemClock),
        &bus,
    )
    .await
    .context("the support service did not start")?;
    // Orders calls the catalog and identity in process, through their routers.
    let identity_client = ServiceClient::in_process("identity", identity.service.router.clone());
    let catalog_client = ServiceClient::in_process("catalog", catalog.service.router.clone());
    let orders = orders::build(
        orders::Config {
            demo_data: settings.demo_data,
            ..settings.orders(embedded_database(settings, "orders"))?
        },
        identity.verifier.clone(),
        orders_catalog(catalog_client, identity_client, service_secret),
        orders::Payments::Simulated,
        &bus,
    )
    .await
    .context("the orders service did not start")?;
    // The website calls every service in process, through their routers.
    let clients = web::Clients::new(
        ServiceClient::in_process("identity", identity.service.router.clone()),
        ServiceClient::in_process("catalog", catalog.service.router.clone()),
        ServiceClient::in_process("orders", orders.service.router.clone()),
        ServiceClient::in_process("customers", customers.service.router.clone()),
        ServiceClient::in_process("support", support.service.router.clone()),
    );
    let site = web::build(
        web::Config {
            secure_cookies: settings.secure_cookies,
            demo: settings.demo_data,
            currency: settings.shop_currency()?,
            ..web::Config::new(embedded_database(settings, "web"))
        },
        clients,
    )
    .await
    .context("the website did not start")?;
    let app = App::compose_with_site(
        vec![
            identity.service,
            customers.service,
            catalog.service,
            orders.service,
            support.service,
        ],
        Some(site.service),
        &settings.http()?,
        metrics,
    );
    Ok(Built {
        app,
        generated_admin: identity.generated_admin,
    })
}

/// A random secret for the services of one process.
fn random_secret() -> SecretString {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    SecretString::from(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

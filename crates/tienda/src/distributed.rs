//! The distributed mode: one service in this process, on its own database, with its events
//! over RabbitMQ and the other services reached over HTTP.

use std::sync::Arc;

use anyhow::Context;
use platform::App;
use platform::auth::TokenVerifier;
use platform::client::ServiceClient;
use platform::config::{ExposeSecret, SecretString};
use platform::http::HttpMetrics;
use platform::time::SystemClock;

use crate::wiring::{database_config, event_bus, identity_config, orders_catalog};
use crate::{Built, ServiceName, Settings};

/// A verifier of identity's tokens for a service in its own process: keys from identity's JWKS,
/// and the sessions identity announces as revoked refused.
fn remote_verifier(settings: &Settings) -> anyhow::Result<Arc<TokenVerifier>> {
    let lifetime = std::time::Duration::from_secs(settings.access_token_ttl_secs);
    let identity = settings
        .identity_url
        .as_deref()
        .context("`tienda serve` needs TIENDA_IDENTITY_URL (the identity service's base URL) to verify tokens")?;
    Ok(Arc::new(
        TokenVerifier::remote(
            format!(
                "{}{}/jwks.json",
                identity.trim_end_matches('/'),
                identity::PREFIX
            ),
            &settings.token_issuer,
            &settings.token_audience,
        )
        .with_max_lifetime(lifetime)
        .with_revoked_sessions(platform::sessions::RevokedSessions::new(lifetime)),
    ))
}

pub(crate) fn required_database_url(settings: &Settings) -> anyhow::Result<&SecretString> {
    settings
        .database_url
        .as_ref()
        .context("`tienda serve` needs TIENDA_DATABASE_URL (postgres://... or sqlite://PATH)")
}

/// One service in this process, on the database of `TIENDA_DATABASE_URL`, with its events over
/// RabbitMQ (`TIENDA_AMQP_URL`).
pub async fn build_single(settings: &Settings, service: ServiceName) -> anyhow::Result<Built> {
    let database = database_config(settings, required_database_url(settings)?.expose_secret());
    let metrics = HttpMetrics::new();
    let bus = event_bus(settings, &metrics, false)?;
    let (built, generated_admin) = match service {
        ServiceName::Identity => {
            let config =
                identity_config(settings, database, false, settings.service_secret.clone())?;
            let identity = identity::build(config, &bus)
                .await
                .context("the identity service did not start")?;
            (identity.service, identity.generated_admin)
        }
        ServiceName::Customers => {
            let customers = customers::build(
                customers::Config::new(database),
                remote_verifier(settings)?,
                &bus,
            )
            .await
            .context("the customers service did not start")?;
            (customers.service, None)
        }
        ServiceName::Catalog => {
            let catalog = catalog::build(
                settings.catalog(database)?,
                remote_verifier(settings)?,
                &bus,
            )
            .await
            .context("the catalog service did not start")?;
            (catalog.service, None)
        }
        ServiceName::Support => {
            let support = support::build(
                settings.support(database, false)?,
                remote_verifier(settings)?,
                Arc::new(SystemClock),
                &bus,
            )
            .await
            .context("the support service did not start")?;
            (support.service, None)
        }
        ServiceName::Orders => {
            let need = |value: Option<&String>, what: &str| {
                value
                    .cloned()
                    .with_context(|| format!("`tienda serve orders` needs {what}"))
            };
            let identity_url = need(
                settings.identity_url.as_ref(),
                "TIENDA_IDENTITY_URL (the identity service's base URL)",
            )?;
            let catalog_url = need(
                settings.catalog_url.as_ref(),
                "TIENDA_CATALOG_URL (the catalog service's base URL)",
            )?;
            let secret = settings.service_secret.clone().context(
                "`tienda serve orders` needs TIENDA_SERVICE_SECRET (the same as identity's)",
            )?;
            let orders = orders::build(
                settings.orders(database)?,
                remote_verifier(settings)?,
                orders_catalog(
                    ServiceClient::http("catalog", &catalog_url),
                    ServiceClient::http("identity", &identity_url),
                    secret,
                ),
                orders::Payments::Simulated,
                &bus,
            )
            .await
            .context("the orders service did not start")?;
            (orders.service, None)
        }
        ServiceName::Web => return build_web(settings).await,
    };
    Ok(Built {
        app: App::compose(vec![built], &settings.http()?, metrics),
        generated_admin,
    })
}

/// The website in this process, on its own database (`TIENDA_DATABASE_URL`, for sessions),
/// calling every service over HTTP at `TIENDA_<SERVICE>_URL`.
async fn build_web(settings: &Settings) -> anyhow::Result<Built> {
    let database = database_config(settings, required_database_url(settings)?.expose_secret());
    let url = |value: Option<&String>, variable: &str, service: &'static str| {
        value
            .map(|url| ServiceClient::http(service, url))
            .with_context(|| {
                format!("`tienda serve web` needs {variable} (the {service} service's base URL)")
            })
    };
    let clients = web::Clients::new(
        url(
            settings.identity_url.as_ref(),
            "TIENDA_IDENTITY_URL",
            "identity",
        )?,
        url(
            settings.catalog_url.as_ref(),
            "TIENDA_CATALOG_URL",
            "catalog",
        )?,
        url(settings.orders_url.as_ref(), "TIENDA_ORDERS_URL", "orders")?,
        url(
            settings.customers_url.as_ref(),
            "TIENDA_CUSTOMERS_URL",
            "customers",
        )?,
        url(
            settings.support_url.as_ref(),
            "TIENDA_SUPPORT_URL",
            "support",
        )?,
    );
    let site = web::build(
        web::Config {
            secure_cookies: settings.secure_cookies,
            demo: settings.demo_data,
            currency: settings.shop_currency()?,
            ..web::Config::new(database)
        },
        clients,
    )
    .await
    .context("the website did not start")?;
    Ok(Built {
        app: App::compose_with_site(
            Vec::new(),
            Some(site.service),
            &settings.http()?,
            HttpMetrics::new(),
        ),
        generated_admin: None,
    })
}

/// The gateway: the one entry point in front of the services' and the website's replicas, at
/// `TIENDA_<SERVICE>_URL` and `TIENDA_WEB_URL` (each a comma-separated list).
pub fn build_gateway(settings: &Settings) -> anyhow::Result<Built> {
    let urls = [
        ("identity", &settings.identity_url, "TIENDA_IDENTITY_URL"),
        ("customers", &settings.customers_url, "TIENDA_CUSTOMERS_URL"),
        ("catalog", &settings.catalog_url, "TIENDA_CATALOG_URL"),
        ("orders", &settings.orders_url, "TIENDA_ORDERS_URL"),
        ("support", &settings.support_url, "TIENDA_SUPPORT_URL"),
        (gateway::SITE, &settings.web_url, "TIENDA_WEB_URL"),
    ];
    let upstreams = urls
        .into_iter()
        .map(|(service, url, variable)| {
            let list = url.as_deref().with_context(|| {
                format!("`tienda gateway` needs {variable} (the {service} replicas' base URLs, comma-separated)")
            })?;
            Ok((service, gateway::replicas(service, list)?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Built {
        app: gateway::build(
            gateway::Config::new(upstreams),
            &settings.http()?,
            HttpMetrics::new(),
        )?,
        generated_admin: None,
    })
}

//! The merged settings turned into each service's typed config, so that a service never reads
//! a setting of its own: the binary is the one place that knows the flags.

use std::time::Duration;

use super::{AssignmentSetting, Settings};

impl Settings {
    /// The catalog's config on `database`.
    pub fn catalog(
        &self,
        database: platform::db::DatabaseConfig,
    ) -> anyhow::Result<catalog::Config> {
        Ok(catalog::Config {
            reservation_ttl: Duration::from_secs(self.catalog_reservation_ttl_secs.max(1)),
            currency: self.shop_currency()?,
            ..catalog::Config::new(database)
        })
    }

    /// The orders service's config on `database`.
    pub fn orders(&self, database: platform::db::DatabaseConfig) -> anyhow::Result<orders::Config> {
        Ok(orders::Config {
            payment_limit: self.orders_payment_limit.max(0),
            recovery_grace: Duration::from_secs(self.orders_recovery_grace_secs),
            recovery_interval: Duration::from_secs(self.orders_recovery_interval_secs.max(1)),
            currency: self.shop_currency()?,
            ..orders::Config::new(database)
        })
    }

    /// `TIENDA_SHOP_CURRENCY`, checked.
    pub fn shop_currency(&self) -> anyhow::Result<String> {
        contracts::money::shop_currency(&self.shop_currency)
            .map_err(|problem| anyhow::anyhow!("TIENDA_SHOP_CURRENCY: {problem}"))
    }

    /// The event backbone's behaviour.
    pub fn events(&self) -> anyhow::Result<platform::events::EventsConfig> {
        anyhow::ensure!(
            self.events_max_attempts >= 1,
            "TIENDA_EVENTS_MAX_ATTEMPTS must be at least 1"
        );
        Ok(platform::events::EventsConfig {
            max_attempts: self.events_max_attempts,
            outbox_retention: Duration::from_secs(self.events_outbox_retention_secs),
            inbox_retention: Duration::from_secs(self.events_inbox_retention_secs),
            ..platform::events::EventsConfig::default()
        })
    }

    /// The HTTP edge's config.
    pub fn http(&self) -> anyhow::Result<platform::http::HttpConfig> {
        Ok(platform::http::HttpConfig {
            addr: self.addr,
            body_limit_bytes: self.body_limit_bytes,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            trust_forwarded_for: self.trust_forwarded_for,
            metrics_addr: self.metrics_addr,
            rate_limits: platform::http::RateLimitConfig {
                per_second: self.rate_limit_per_second,
                burst: self.rate_limit_burst,
                guarded_per_minute: self.rate_limit_guarded_per_minute,
                guarded_burst: self.rate_limit_guarded_burst,
            },
            cors_origins: cors_origins(self.cors_origins.as_deref().unwrap_or_default())?,
        })
    }

    /// Token settings for identity.
    pub fn tokens(&self) -> identity::TokenConfig {
        identity::TokenConfig {
            issuer: self.token_issuer.clone(),
            audience: self.token_audience.clone(),
            access_ttl: Duration::from_secs(self.access_token_ttl_secs),
            refresh_ttl: Duration::from_secs(self.refresh_token_ttl_secs),
        }
    }

    /// Brute-force limits for identity.
    pub fn throttle(&self) -> identity::domain::throttle::ThrottlePolicy {
        identity::domain::throttle::ThrottlePolicy {
            max_failures_per_account: self.login_max_failures_per_account,
            max_failures_per_address: self.login_max_failures_per_address,
            window: Duration::from_secs(self.login_window_secs),
            lockout: Duration::from_secs(self.login_lockout_secs),
        }
    }

    /// Support's configuration on a database.
    pub fn support(
        &self,
        database: platform::db::DatabaseConfig,
        demo_data: bool,
    ) -> anyhow::Result<support::Config> {
        let holidays: Vec<&str> = self
            .support_holidays
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .collect();
        let calendar = support::domain::calendar::Calendar::parse(
            &self.support_time_zone,
            &self.support_hours,
            &holidays,
        )
        .map_err(|error| anyhow::anyhow!("invalid support calendar (TIENDA_SUPPORT_*): {error}"))?;
        let policies = support::domain::sla::Policies::parse(&self.support_sla)
            .map_err(|error| anyhow::anyhow!("invalid TIENDA_SUPPORT_SLA: {error}"))?;
        Ok(support::Config {
            demo_data,
            calendar,
            policies,
            assignment: match self.support_assignment {
                AssignmentSetting::Off => support::Assignment::Off,
                AssignmentSetting::RoundRobin => support::Assignment::RoundRobin,
                AssignmentSetting::LeastOpen => support::Assignment::LeastOpen,
            },
            reopen_window: Duration::from_secs(self.support_reopen_window_secs),
            auto_close_after: Duration::from_secs(self.support_auto_close_secs),
            ..support::Config::new(database)
        })
    }

    /// Hashing bounds for identity.
    pub fn hashing(&self) -> identity::app::hashing::HashingConfig {
        let defaults = identity::app::hashing::HashingConfig::default();
        identity::app::hashing::HashingConfig {
            concurrency: self.hash_concurrency.unwrap_or(defaults.concurrency),
            queue: self.hash_queue.unwrap_or(defaults.queue),
        }
    }
}

/// `TIENDA_CORS_ORIGINS`: comma-separated origins, each a scheme, a host and maybe a port, and
/// nothing else (a browser sends exactly that in `Origin`, so a path or `*` would never match).
fn cors_origins(list: &str) -> anyhow::Result<Vec<axum::http::HeaderValue>> {
    list.split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let url = url::Url::parse(origin).ok().filter(|url| {
                matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.path() == "/"
                    && !origin.ends_with('/')
                    && url.query().is_none()
                    && url.username().is_empty()
            });
            anyhow::ensure!(
                url.is_some(),
                "TIENDA_CORS_ORIGINS: {origin:?} is not an origin such as https://shop.example.com"
            );
            Ok(axum::http::HeaderValue::from_str(origin)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cors_origins;

    #[test]
    fn cors_origins_are_origins_and_nothing_more() {
        let parsed = cors_origins(" https://shop.example.com, http://localhost:5173 ,");
        assert_eq!(parsed.map(|list| list.len()).ok(), Some(2));
        assert_eq!(cors_origins("").map(|list| list.len()).ok(), Some(0));
        for bad in [
            "*",
            "shop.example.com",
            "https://shop.example.com/",
            "https://shop.example.com/app",
            "ftp://shop.example.com",
            "https://user@shop.example.com",
        ] {
            assert!(cors_origins(bad).is_err(), "{bad}");
        }
    }
}

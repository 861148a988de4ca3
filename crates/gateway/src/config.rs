//! What the gateway needs: where each service's replicas are, and its timeouts.

use std::time::Duration;

use anyhow::Context;
use http::Uri;

/// The services the gateway routes `/api/<name>/...` to, in the order of the merged document.
pub const API_SERVICES: [&str; 5] = ["identity", "customers", "catalog", "orders", "support"];

/// The upstream that answers every path outside `/api/`.
pub const SITE: &str = "web";

/// The gateway's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Each upstream (the five API services and `web`) and the base URLs of its replicas.
    pub upstreams: Vec<(&'static str, Vec<Uri>)>,
    /// How long a connection to an upstream may take to open.
    pub connect_timeout: Duration,
    /// How long a replica that failed is left out of the rotation.
    pub eject_for: Duration,
    /// How long the merged OpenAPI document is kept before it is asked for again.
    pub document_ttl: Duration,
}

impl Config {
    /// A config with the default timeouts for `upstreams`.
    pub fn new(upstreams: Vec<(&'static str, Vec<Uri>)>) -> Self {
        Self {
            upstreams,
            connect_timeout: Duration::from_secs(2),
            eject_for: Duration::from_secs(5),
            document_ttl: Duration::from_secs(60),
        }
    }
}

/// Parses a comma-separated list of replica base URLs (`http://catalog-1:8080,http://catalog-2:8080`)
/// for `service`: each must be `http://host[:port]` with no path beyond `/`.
pub fn replicas(service: &str, list: &str) -> anyhow::Result<Vec<Uri>> {
    let replicas = list
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(|url| {
            let uri: Uri = url
                .trim_end_matches('/')
                .parse()
                .with_context(|| format!("{service}: `{url}` is not a URL"))?;
            anyhow::ensure!(
                uri.scheme_str() == Some("http") && uri.authority().is_some(),
                "{service}: `{url}` must be http://host[:port] (the gateway speaks plain HTTP to the services inside the network)"
            );
            anyhow::ensure!(
                matches!(uri.path(), "" | "/") && uri.query().is_none(),
                "{service}: `{url}` must not have a path"
            );
            Ok(uri)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(!replicas.is_empty(), "{service}: no replica URL given");
    Ok(replicas)
}

#[cfg(test)]
mod tests {
    use super::replicas;

    #[test]
    fn a_list_of_replicas_is_read_and_checked() {
        let read = replicas("catalog", " http://a:8080/, http://b:8081 ,").ok();
        let hosts: Option<Vec<String>> =
            read.map(|list| list.iter().map(|uri| uri.to_string()).collect());
        assert_eq!(
            hosts,
            Some(vec![
                "http://a:8080/".to_owned(),
                "http://b:8081/".to_owned()
            ])
        );
        for bad in [
            "",
            ",",
            "catalog:8080",
            "https://a",
            "http://a/api",
            "http://a?x=1",
            "ftp://a",
        ] {
            assert!(replicas("catalog", bad).is_err(), "{bad}");
        }
    }
}

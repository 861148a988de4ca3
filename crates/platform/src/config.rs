//! Configuration layering: defaults, then an optional TOML file, then `TIENDA_*` environment
//! variables and command-line flags (flags win).
//!
//! Each process declares one settings struct with `#[serde(default)]` and a clap overrides
//! struct whose every field is optional and reads its flag or environment variable; this module
//! merges the layers. Secrets are `secrecy::SecretString`, which never prints.

use std::path::Path;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use secrecy::{ExposeSecret, SecretString};

/// Merges the layers into `T`. `file` is read when it exists; when `file_required` it must.
/// `overrides` holds what flags and environment set (`None` fields are skipped by serde).
pub fn load<T: DeserializeOwned>(
    file: &Path,
    file_required: bool,
    overrides: &impl Serialize,
) -> anyhow::Result<T> {
    if file_required && !file.exists() {
        anyhow::bail!("configuration file {} does not exist", file.display());
    }
    Figment::new()
        .merge(Toml::file(file))
        .merge(Serialized::defaults(overrides))
        .extract()
        .with_context(|| format!("invalid configuration (from {} and flags)", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Settings {
        addr: String,
        workers: u32,
    }

    impl Default for Settings {
        fn default() -> Self {
            Self {
                addr: "127.0.0.1:8080".into(),
                workers: 2,
            }
        }
    }

    #[derive(Serialize, Default)]
    struct Overrides {
        #[serde(skip_serializing_if = "Option::is_none")]
        addr: Option<String>,
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("tienda.toml");
        std::fs::write(&file, "addr = \"0.0.0.0:1\"\nworkers = 8\n")?;
        let from_file: Settings = load(&file, true, &Overrides::default())?;
        assert_eq!(from_file.addr, "0.0.0.0:1");
        assert_eq!(from_file.workers, 8);
        let overridden: Settings = load(
            &file,
            true,
            &Overrides {
                addr: Some("10.0.0.1:2".into()),
            },
        )?;
        assert_eq!(overridden.addr, "10.0.0.1:2");
        assert_eq!(overridden.workers, 8);
        let defaults: Settings = load(
            &dir.path().join("absent.toml"),
            false,
            &Overrides::default(),
        )?;
        assert_eq!(defaults, Settings::default());
        Ok(())
    }

    #[test]
    fn a_required_file_must_exist_and_unknown_keys_are_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        assert!(
            load::<Settings>(&dir.path().join("absent.toml"), true, &Overrides::default()).is_err()
        );
        let file = dir.path().join("tienda.toml");
        std::fs::write(&file, "adr = \"typo\"\n")?;
        assert!(load::<Settings>(&file, true, &Overrides::default()).is_err());
        Ok(())
    }
}

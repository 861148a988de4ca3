//! The Ed25519 key that signs access tokens, its public JWKS, and token issuing.
//!
//! The key is a PKCS#8 PEM file, as `openssl genpkey -algorithm ed25519` writes it. In embedded
//! mode it is created in the data dir on first start (mode 0600); in distributed mode it comes
//! from `TIENDA_JWT_KEY_FILE` (a mounted secret) and must exist.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use contracts::auth::{AccessClaims, Role};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use platform::auth::{Jwks, PublicJwk};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Where the signing key comes from.
#[derive(Debug, Clone)]
pub struct KeyFile {
    /// The PEM file.
    pub path: PathBuf,
    /// Create a new key there when the file does not exist (embedded mode only).
    pub create_if_missing: bool,
}

/// Who a token is for.
#[derive(Debug, Clone, Copy)]
pub struct TokenSubject<'a> {
    /// The user id.
    pub id: Uuid,
    /// The role.
    pub role: Role,
    /// The normalised email.
    pub email: &'a str,
    /// The display name.
    pub name: &'a str,
}

/// Signs access tokens.
pub struct TokenSigner {
    encoding: EncodingKey,
    kid: String,
    jwks: Jwks,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn load_or_create(file: &KeyFile) -> anyhow::Result<SigningKey> {
    if file.path.exists() {
        let pem = std::fs::read_to_string(&file.path)
            .with_context(|| format!("cannot read the signing key {}", file.path.display()))?;
        return SigningKey::from_pkcs8_pem(&pem).map_err(|error| {
            anyhow::anyhow!(
                "{} is not an Ed25519 PKCS#8 PEM key ({error}); make one with \
                 `openssl genpkey -algorithm ed25519`",
                file.path.display()
            )
        });
    }
    anyhow::ensure!(
        file.create_if_missing,
        "the signing key {} does not exist; make one with `openssl genpkey -algorithm ed25519 -out {}`",
        file.path.display(),
        file.path.display()
    );
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let pem = key
        .to_pkcs8_pem(Default::default())
        .map_err(|error| anyhow::anyhow!("cannot encode the new signing key: {error}"))?;
    write_private(&file.path, pem.as_bytes())?;
    tracing::info!(path = %file.path.display(), "created a new token signing key");
    Ok(key)
}

fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    out.write_all(contents)?;
    out.sync_all()?;
    Ok(())
}

impl TokenSigner {
    /// Loads (or creates) the key and prepares the public key set.
    pub fn load(
        file: &KeyFile,
        issuer: &str,
        audience: &str,
        ttl: Duration,
    ) -> anyhow::Result<Self> {
        let key = load_or_create(file)?;
        let der = key
            .to_pkcs8_der()
            .map_err(|error| anyhow::anyhow!("cannot encode the signing key: {error}"))?;
        let public = key.verifying_key().to_bytes();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(public)[..12]);
        let jwks = Jwks {
            keys: vec![PublicJwk {
                kty: "OKP".into(),
                crv: "Ed25519".into(),
                x: URL_SAFE_NO_PAD.encode(public),
                kid: kid.clone(),
                alg: "EdDSA".into(),
                key_use: "sig".into(),
            }],
        };
        Ok(Self {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            kid,
            jwks,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl,
        })
    }

    /// The public keys, as served at `/jwks.json`.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// How long an access token lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A signed access token for `user` in `session_id`.
    pub fn issue(&self, user: &TokenSubject<'_>, session_id: Uuid) -> anyhow::Result<String> {
        let now = platform::time::now().unix_timestamp();
        let claims = AccessClaims {
            sub: user.id,
            role: user.role,
            sid: session_id,
            email: user.email.to_owned(),
            name: user.name.to_owned(),
            jti: Uuid::now_v7(),
            iat: now,
            exp: now + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).context("cannot sign a token")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_is_reloaded_and_signs_verifiable_tokens() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = KeyFile {
            path: dir.path().join("keys/signing.pem"),
            create_if_missing: true,
        };
        let first = TokenSigner::load(&file, "tienda", "tienda", Duration::from_secs(60))?;
        let again = TokenSigner::load(&file, "tienda", "tienda", Duration::from_secs(60))?;
        assert_eq!(first.jwks(), again.jwks());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file.path)?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let subject = TokenSubject {
            id: Uuid::now_v7(),
            role: Role::Customer,
            email: "ana@example.com",
            name: "Ana",
        };
        let token = first.issue(&subject, Uuid::now_v7())?;
        let key = jsonwebtoken::DecodingKey::from_ed_components(&first.jwks().keys[0].x)?;
        let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
        validation.set_audience(&["tienda"]);
        let claims = jsonwebtoken::decode::<AccessClaims>(&token, &key, &validation)?.claims;
        assert_eq!(claims.role, Role::Customer);
        Ok(())
    }

    #[test]
    fn a_missing_key_is_an_error_when_it_may_not_be_created() {
        let file = KeyFile {
            path: PathBuf::from("/nonexistent/tienda/key.pem"),
            create_if_missing: false,
        };
        assert!(TokenSigner::load(&file, "tienda", "tienda", Duration::from_secs(60)).is_err());
    }
}

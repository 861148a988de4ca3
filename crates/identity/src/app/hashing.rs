//! Password hashing with argon2id, off the async runtime, behind a bounded queue.
//!
//! Hashing is deliberately slow (tens of milliseconds of CPU and 19 MiB of memory each). At most
//! `concurrency` hashes run at once on the blocking pool, and at most `queue` more wait; any
//! request beyond that is refused at once with [`HashError::Busy`] (503 with `Retry-After`), so
//! a login flood costs bounded CPU and memory and never starves the other routes, whose tasks
//! run on the async workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// Argon2id cost: 19 MiB, 2 passes, 1 lane (OWASP's minimum for argon2id).
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// How many hashes may run and wait.
#[derive(Debug, Clone)]
pub struct HashingConfig {
    /// Hashes computed at once (default: the number of cores).
    pub concurrency: usize,
    /// Hashes waiting for a turn before new ones are refused.
    pub queue: usize,
}

impl Default for HashingConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            concurrency: cores,
            queue: cores * 8,
        }
    }
}

/// Why a hash was not computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The queue is full; retry shortly.
    #[error("too many password checks are waiting")]
    Busy,
    /// The hasher failed (a bug, or a corrupt stored hash).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Hashes and verifies passwords; cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    running: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
    capacity: usize,
    /// A real hash of a random password, verified against when the account does not exist, so
    /// that an unknown email costs the same time as a wrong password.
    decoy_hash: Arc<String>,
}

struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|error| anyhow::anyhow!("bad argon2 parameters: {error}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &[u8]) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password, &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("argon2 hashing failed: {error}"))
}

fn verify_blocking(password: &[u8], stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|error| anyhow::anyhow!("stored password hash is malformed: {error}"))?;
    // The parameters come from the stored hash, so raising the cost later still verifies old
    // hashes.
    Ok(argon2()?.verify_password(password, &parsed).is_ok())
}

impl PasswordHasher {
    /// A hasher with the given bounds. Computes the decoy hash, so call it once at start-up.
    pub async fn new(config: &HashingConfig) -> anyhow::Result<Self> {
        let decoy: String = {
            use rand::Rng;
            rand::thread_rng()
                .sample_iter(rand::distributions::Alphanumeric)
                .take(32)
                .map(char::from)
                .collect()
        };
        let decoy_hash = tokio::task::spawn_blocking(move || hash_blocking(decoy.as_bytes()))
            .await
            .context("the hashing thread failed")??;
        let concurrency = config.concurrency.max(1);
        Ok(Self {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: concurrency + config.queue,
            decoy_hash: Arc::new(decoy_hash),
        })
    }

    fn admit(&self) -> Result<Admission, HashError> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(self.admitted.clone());
        if before >= self.capacity {
            return Err(HashError::Busy);
        }
        Ok(admission)
    }

    async fn run<T, F>(&self, work: F) -> Result<T, HashError>
    where
        F: FnOnce() -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let _admission = self.admit()?;
        let _permit = self
            .running
            .acquire()
            .await
            .map_err(|_| HashError::Internal(anyhow::anyhow!("the hasher was closed")))?;
        tokio::task::spawn_blocking(work)
            .await
            .context("the hashing thread failed")?
            .map_err(HashError::Internal)
    }

    /// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) of a new password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = secret_copy(password);
        self.run(move || hash_blocking(password.expose_secret().as_bytes()))
            .await
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown account), verifies
    /// against the decoy and answers false, taking the same time.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool, HashError> {
        let password = secret_copy(password);
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy_hash.as_str().to_owned());
        let matches = self
            .run(move || verify_blocking(password.expose_secret().as_bytes(), &hash))
            .await?;
        Ok(known && matches)
    }
}

/// A copy of the password for the hashing thread, wiped from memory when dropped.
fn secret_copy(password: &str) -> SecretString {
    SecretString::from(password.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(&HashingConfig::default()).await?;
        let hash = hasher.hash("violet tractor sundial").await?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("violet tractor sundial", Some(hash.clone()))
                .await?
        );
        assert!(!hasher.verify("violet tractor sundiaL", Some(hash)).await?);
        assert!(!hasher.verify("anything", None).await?);
        Ok(())
    }

    #[tokio::test]
    async fn beyond_the_queue_requests_are_refused_not_queued() -> anyhow::Result<()> {
        let hasher = PasswordHasher::new(&HashingConfig {
            concurrency: 1,
            queue: 1,
        })
        .await?;
        let attempts: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash("violet tractor sundial").await })
            })
            .collect();
        let mut busy = 0;
        let mut done = 0;
        for attempt in attempts {
            match attempt.await? {
                Ok(_) => done += 1,
                Err(HashError::Busy) => busy += 1,
                Err(other) => return Err(other.into()),
            }
        }
        assert!(done >= 2, "{done} hashed");
        assert!(busy >= 1, "none refused");
        assert_eq!(done + busy, 8);
        Ok(())
    }
}

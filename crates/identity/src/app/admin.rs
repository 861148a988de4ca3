//! The first administrator: made on start when no administrator exists.

use contracts::auth::Role;
use contracts::events::identity::UserRoleChanged;
use platform::config::{ExposeSecret, SecretString};
use platform::db::Database;
use platform::events::Events;

use crate::app::hashing::PasswordHasher;
use crate::config::FirstAdmin;
use crate::domain::{Email, NewPassword};
use crate::{app::accounts, store};

/// The email of a generated administrator.
pub const GENERATED_ADMIN_EMAIL: &str = "admin@tienda.localhost";

/// An administrator made with a random password, which the caller must show once.
pub struct GeneratedAdmin {
    /// Its email.
    pub email: String,
    /// Its password, shown once and never stored in clear.
    pub password: SecretString,
}

/// Makes the first administrator if there is none. Returns the generated credentials when it
/// generated them.
pub async fn ensure_first_admin(
    database: &Database,
    events: &Events,
    hasher: &PasswordHasher,
    first_admin: &FirstAdmin,
) -> anyhow::Result<Option<GeneratedAdmin>> {
    if store::count_admins(database.pool()).await? > 0 {
        return Ok(None);
    }
    let (email, password, generated) = match first_admin {
        FirstAdmin::None => {
            tracing::warn!(
                "there is no administrator; set TIENDA_ADMIN_EMAIL and TIENDA_ADMIN_PASSWORD"
            );
            return Ok(None);
        }
        FirstAdmin::Configured { email, password } => (email.clone(), password.clone(), false),
        FirstAdmin::Generate => (
            GENERATED_ADMIN_EMAIL.to_owned(),
            SecretString::from(random_password()),
            true,
        ),
    };
    let email = Email::parse(&email)
        .map_err(|error| anyhow::anyhow!("TIENDA_ADMIN_EMAIL is not an email address: {error}"))?;
    let password = NewPassword::parse(password.expose_secret(), &[email.as_str()])
        .map_err(|error| anyhow::anyhow!("TIENDA_ADMIN_PASSWORD is refused: {error}"))?;
    let hash = hasher.hash(password.expose()).await?;
    // An existing account with that email becomes the administrator, with the configured
    // password: the operator's settings are the authority.
    let mut transaction = database.begin().await?;
    match store::insert_user(
        &mut *transaction,
        &email,
        "Administrator",
        Role::Admin,
        &hash,
    )
    .await
    {
        Ok(user) => {
            events
                .publish(&mut transaction, &accounts::registered(&user))
                .await?;
        }
        Err(store::StoreError::DuplicateEmail) => {
            // After a failed statement PostgreSQL refuses the rest of the transaction, and a
            // lookup through a second connection while holding this one is how pools starve:
            // end it, and do the promotion in a new one.
            drop(transaction);
            let Some((user, _)) = store::find_credentials(database.pool(), email.as_str()).await?
            else {
                anyhow::bail!("the administrator's email vanished during start-up");
            };
            transaction = database.begin().await?;
            store::update_role(&mut *transaction, user.id, Role::Admin).await?;
            store::update_password_hash(&mut *transaction, user.id, &hash).await?;
            let changed = UserRoleChanged {
                user_id: user.id,
                email: user.email.to_string(),
                name: user.name.clone(),
                previous_role: user.role,
                role: Role::Admin,
            };
            events.publish(&mut transaction, &changed).await?;
        }
        Err(error) => return Err(error.into()),
    }
    events.commit(transaction).await?;
    tracing::info!(email = %email, "created the first administrator");
    Ok(generated.then(|| GeneratedAdmin {
        email: email.to_string(),
        password: password.secret().clone(),
    }))
}

fn random_password() -> String {
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(rand::distributions::Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

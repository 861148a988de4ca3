//! Demo data: three dozen believable customers with contracted services, seeded once into an
//! empty database so a new shop has something to show. Made through the same code as real
//! records, so it obeys every rule.

use contracts::Email;
use time::macros::date;

use crate::State;
use crate::app::customers::insert_with_audit;
use crate::app::services::{NewService, add_unchecked};
use crate::domain::customer::{Address, CustomerStatus};
use crate::domain::service::ServiceStatus;
use crate::store::{self, Customer};

const GIVEN: [&str; 12] = [
    "Lucía",
    "Mateo",
    "Sofía",
    "Hugo",
    "Valentina",
    "Martín",
    "Camila",
    "Diego",
    "Elena",
    "Pablo",
    "Isabel",
    "Andrés",
];
const FAMILY: [&str; 12] = [
    "García",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Álvarez",
];
const CITIES: [(&str, &str, &str); 6] = [
    ("Madrid", "28013", "ES"),
    ("Barcelona", "08002", "ES"),
    ("Sevilla", "41004", "ES"),
    ("Valencia", "46002", "ES"),
    ("Ciudad de México", "06700", "MX"),
    ("Guadalajara", "44100", "MX"),
];
const SERVICES: [(&str, Option<&str>); 5] = [
    ("Fibra 600 Mb", Some("Hogar")),
    ("TV Total", Some("Premium")),
    ("Móvil 30 GB", None),
    ("Soporte técnico", Some("Plus")),
    ("Fibra 1 Gb", Some("Empresa")),
];

fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'Á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            'ñ' => 'n',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// Seeds 36 customers and their services when there are no customers yet.
pub async fn seed(state: &State) -> anyhow::Result<()> {
    if store::count_customers(state.database.pool()).await? > 0 {
        return Ok(());
    }
    for n in 0..36usize {
        let given = GIVEN[n % GIVEN.len()];
        let family = FAMILY[(n * 5 + n / 12) % FAMILY.len()];
        let (city, postal_code, country) = CITIES[n % CITIES.len()];
        let email = Email::parse(&format!(
            "{}.{}{}@example.com",
            ascii(given),
            ascii(family),
            n + 1
        ))
        .map_err(|error| anyhow::anyhow!("demo email: {error}"))?;
        let now = platform::time::now();
        let customer = Customer {
            id: uuid::Uuid::now_v7(),
            user_id: None,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            email: email.to_string(),
            phone: Some(format!("+34{}", 600_000_000 + n * 7_919)),
            birth_date: date!(1950 - 01 - 01)
                .checked_add(time::Duration::days(((n * 541) % 18_000) as i64)),
            addresses: vec![Address {
                label: Some("home".into()),
                line1: format!("Calle Mayor {}", n + 1),
                line2: (n % 3 == 0).then(|| format!("{}º {}", n % 7 + 1, ["A", "B", "C"][n % 3])),
                city: city.into(),
                postal_code: postal_code.into(),
                region: None,
                country: country.into(),
            }],
            status: CustomerStatus::Active,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let customer = insert_with_audit(state, None, customer, "customer.created").await?;
        for k in 0..(n % 3 + 1) {
            let (name, plan) = SERVICES[(n + k) % SERVICES.len()];
            let started = date!(2023 - 01 - 15)
                .checked_add(time::Duration::days(((n * 37 + k * 91) % 900) as i64));
            let status = match (n + k) % 7 {
                5 => ServiceStatus::Suspended,
                6 => ServiceStatus::Cancelled,
                _ => ServiceStatus::Active,
            };
            add_unchecked(
                state,
                None,
                customer.id,
                NewService {
                    name: name.into(),
                    plan: plan.map(str::to_owned),
                    started_on: started
                        .map(crate::domain::customer::format_date)
                        .unwrap_or_else(|| "2024-01-01".into()),
                    ends_on: None,
                    status: Some(status),
                },
            )
            .await?;
        }
    }
    tracing::info!("seeded 36 demo customers");
    Ok(())
}

//! Demo data: three dozen believable customers with contracted services, seeded once into an
//! empty database so a new shop has something to show. Made through the same code as real
//! records, so it obeys every rule.

use contracts::Email;
use serde::Deserialize;
use time::macros::date;

use crate::State;
use crate::app::customers::insert_with_audit;
use crate::app::services::{NewService, add_unchecked};
use crate::domain::customer::{Address, CustomerStatus};
use crate::domain::service::ServiceStatus;
use crate::store::{self, Customer};

/// The demo customers' data (`demo/customers.json`): names, cities and services combined into
/// three dozen records.
#[derive(Deserialize)]
struct DemoCustomers {
    given_names: Vec<String>,
    family_names: Vec<String>,
    cities: Vec<DemoCity>,
    services: Vec<DemoService>,
}

#[derive(Deserialize)]
struct DemoCity {
    city: String,
    postal_code: String,
    country: String,
}

#[derive(Deserialize)]
struct DemoService {
    name: String,
    plan: Option<String>,
}

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
    let demo: DemoCustomers = serde_json::from_str(include_str!("../demo/customers.json"))?;
    anyhow::ensure!(
        !demo.given_names.is_empty()
            && !demo.family_names.is_empty()
            && !demo.cities.is_empty()
            && !demo.services.is_empty(),
        "the demo customers' data is incomplete"
    );
    for n in 0..36usize {
        let given = &demo.given_names[n % demo.given_names.len()];
        let family = &demo.family_names[(n * 5 + n / 12) % demo.family_names.len()];
        let place = &demo.cities[n % demo.cities.len()];
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
            given_name: given.clone(),
            family_name: family.clone(),
            email: email.to_string(),
            phone: Some(format!("+34{}", 600_000_000 + n * 7_919)),
            birth_date: date!(1950 - 01 - 01)
                .checked_add(time::Duration::days(((n * 541) % 18_000) as i64)),
            addresses: vec![Address {
                label: Some("home".into()),
                line1: format!("Calle Mayor {}", n + 1),
                line2: (n % 3 == 0).then(|| format!("{}º {}", n % 7 + 1, ["A", "B", "C"][n % 3])),
                city: place.city.clone(),
                postal_code: place.postal_code.clone(),
                region: None,
                country: place.country.clone(),
            }],
            status: CustomerStatus::Active,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let customer = insert_with_audit(state, None, customer, "customer.created").await?;
        for k in 0..(n % 3 + 1) {
            let service = &demo.services[(n + k) % demo.services.len()];
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
                    name: service.name.clone(),
                    plan: service.plan.clone(),
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

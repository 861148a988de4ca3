//! Demo data: three agents and a dozen incidents in every state, seeded once into an empty
//! database, made through the same code as real ones.

use contracts::auth::Role;
use platform::auth::Caller;
use uuid::Uuid;

use crate::State;
use crate::app::conversation::{NewComment, comment};
use crate::app::incidents::{NewIncident, OnBehalfOf, change_status, create};
use crate::app::merging::merge;
use crate::domain::incident::{Category, Priority};
use crate::domain::status::Status;
use crate::store;

fn caller(role: Role, name: &str, email: &str) -> Caller {
    Caller {
        user_id: Uuid::now_v7(),
        role,
        session_id: Uuid::now_v7(),
        email: email.to_owned(),
        name: name.to_owned(),
    }
}

/// Seeds demo agents and incidents when there are no agents yet.
pub async fn seed(state: &State) -> anyhow::Result<()> {
    if !store::list_agents(state.database.pool()).await?.is_empty() {
        return Ok(());
    }
    let agents = [
        caller(Role::Agent, "Irene (soporte)", "irene@tienda.localhost"),
        caller(Role::Agent, "Tomás (soporte)", "tomas@tienda.localhost"),
        caller(Role::Agent, "Nuria (soporte)", "nuria@tienda.localhost"),
    ];
    for agent in &agents {
        crate::app::incidents::note_agent(state, agent).await?;
    }
    let subjects: [(&str, Category, Priority, Status); 12] = [
        (
            "The router keeps dropping the connection",
            Category::Service,
            Priority::High,
            Status::New,
        ),
        (
            "Order arrived with a broken spine",
            Category::Order,
            Priority::Normal,
            Status::New,
        ),
        (
            "Charged twice for one order",
            Category::Billing,
            Priority::Urgent,
            Status::Open,
        ),
        (
            "Which food for a 3-month-old kitten?",
            Category::Product,
            Priority::Low,
            Status::Open,
        ),
        (
            "TV package missing sports channels",
            Category::Service,
            Priority::Normal,
            Status::Pending,
        ),
        (
            "Invoice address is wrong",
            Category::Billing,
            Priority::Low,
            Status::Pending,
        ),
        (
            "Waiting for the courier's report",
            Category::Order,
            Priority::Normal,
            Status::OnHold,
        ),
        (
            "Parrot cage arrived without a door",
            Category::Product,
            Priority::High,
            Status::Resolved,
        ),
        (
            "Cannot download my invoice",
            Category::Billing,
            Priority::Normal,
            Status::Resolved,
        ),
        (
            "Book delivered to a neighbour",
            Category::Order,
            Priority::Normal,
            Status::Closed,
        ),
        (
            "Fibre installation appointment",
            Category::Service,
            Priority::Normal,
            Status::Closed,
        ),
        (
            "Charged twice (same as before)",
            Category::Billing,
            Priority::Normal,
            Status::Merged,
        ),
    ];
    let customers = [
        ("Lucía García", "lucia.garcia1@example.com"),
        ("Mateo López", "mateo.lopez2@example.com"),
        ("Sofía Ruiz", "sofia.ruiz3@example.com"),
    ];
    let mut billing_dispute = None;
    for (n, (subject, category, priority, status)) in subjects.into_iter().enumerate() {
        let agent = &agents[n % agents.len()];
        let (name, email) = customers[n % customers.len()];
        let input = NewIncident {
            subject: subject.into(),
            description: format!("{subject}. Could you help, please?"),
            category,
            related: None,
            priority: Some(priority),
            customer: Some(OnBehalfOf {
                user_id: None,
                customer_id: None,
                name: name.into(),
                email: email.into(),
            }),
        };
        let (view, _) = create(state, agent, input, None).await?;
        let id = view.id;
        if status == Status::New {
            continue;
        }
        let reply = NewComment {
            body: "Thanks for writing; we are looking into it.".into(),
            internal: false,
        };
        comment(state, agent, id, reply).await?;
        if n == 2 {
            billing_dispute = Some(id);
            let note = NewComment {
                body: "Refund requested from the payment provider.".into(),
                internal: true,
            };
            comment(state, agent, id, note).await?;
        }
        match status {
            Status::Pending | Status::OnHold => {
                change_status(state, agent, id, status, None).await?;
            }
            Status::Resolved | Status::Closed => {
                change_status(state, agent, id, Status::Resolved, Some("solved".into())).await?;
                if status == Status::Closed {
                    change_status(state, agent, id, Status::Closed, None).await?;
                }
            }
            Status::Merged => {
                if let Some(target) = billing_dispute {
                    merge(state, agent, id, target).await.ok();
                }
            }
            _ => {}
        }
    }
    tracing::info!("seeded demo agents and incidents");
    Ok(())
}

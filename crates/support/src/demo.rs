//! Demo data: three agents and a dozen incidents in every state (`demo/support.json`), seeded
//! once into an empty database, made through the same code as real ones.

use contracts::auth::Role;
use platform::auth::Caller;
use serde::Deserialize;
use uuid::Uuid;

use crate::State;
use crate::app::conversation::{NewComment, comment};
use crate::app::incidents::{NewIncident, OnBehalfOf, change_status, create};
use crate::app::merging::merge;
use crate::domain::incident::{Category, Priority};
use crate::domain::status::Status;
use crate::store;

/// The demo desk's data (`demo/support.json`).
#[derive(Deserialize)]
struct DemoSupport {
    agents: Vec<Person>,
    customers: Vec<Person>,
    incidents: Vec<DemoIncident>,
}

#[derive(Deserialize)]
struct Person {
    name: String,
    email: String,
}

#[derive(Deserialize)]
struct DemoIncident {
    subject: String,
    category: Category,
    priority: Priority,
    status: Status,
}

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
    let demo: DemoSupport = serde_json::from_str(include_str!("../demo/support.json"))?;
    let agents: Vec<Caller> = demo
        .agents
        .iter()
        .map(|agent| caller(Role::Agent, &agent.name, &agent.email))
        .collect();
    for agent in &agents {
        crate::app::incidents::note_agent(state, agent).await?;
    }
    let mut billing_dispute = None;
    for (n, incident) in demo.incidents.into_iter().enumerate() {
        let (subject, category, priority, status) = (
            incident.subject,
            incident.category,
            incident.priority,
            incident.status,
        );
        let agent = &agents[n % agents.len()];
        let customer = &demo.customers[n % demo.customers.len()];
        let (name, email) = (customer.name.as_str(), customer.email.as_str());
        let input = NewIncident {
            description: format!("{subject}. Could you help, please?"),
            subject,
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

//! What support learns from identity's, customers' and orders' events, and what it publishes.

use contracts::auth::Role;
use contracts::events::customers::CustomerErased;
use contracts::events::identity::{UserDeleted, UserRoleChanged};
use contracts::events::orders::OrderPlaced;
use platform::backend_test;
use platform::testing::events::{TestPublisher, eventually};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::*;

async fn agent_entry(app: &TestApp, admin: &TestUser, id: Uuid) -> Option<Value> {
    let agents = json_body(app.get(admin, "/agents").await).await;
    agents
        .as_array()?
        .iter()
        .find(|agent| agent["id"] == id.to_string())
        .cloned()
}

fn role_change(user_id: Uuid, from: Role, to: Role) -> UserRoleChanged {
    UserRoleChanged {
        user_id,
        email: format!("{}@example.com", user_id.simple()),
        name: "Marta Gil".into(),
        previous_role: from,
        role: to,
    }
}

backend_test! {
    async fn an_account_made_agent_is_assigned_and_one_no_longer_agent_is_not(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let identity = TestPublisher::start("identity", &app.bus).await;
        let agent_id = Uuid::now_v7();
        identity.publish(&role_change(agent_id, Role::Customer, Role::Agent)).await;
        let known = eventually("the agent", || async {
            agent_entry(&app, &admin, agent_id).await.filter(|agent| agent["available"] == true)
        }).await;
        assert_eq!(known["display_name"], "Marta Gil");
        // Never having called support, the agent gets the next incident.
        let customer = app.user(Role::Customer);
        let first = app.open(&customer).await;
        assert_eq!(first["assignee_id"], agent_id.to_string());
        identity.publish(&role_change(agent_id, Role::Agent, Role::Customer)).await;
        eventually("the demotion", || async {
            agent_entry(&app, &admin, agent_id).await.filter(|agent| agent["available"] == false)
        }).await;
        let second = app.open(&customer).await;
        assert!(second["assignee_id"].is_null(), "{second}");
        // Promoted again, then deleted.
        identity.publish(&role_change(agent_id, Role::Customer, Role::Agent)).await;
        identity.publish(&UserDeleted { user_id: agent_id }).await;
        let marker = Uuid::now_v7();
        identity.publish(&role_change(marker, Role::Customer, Role::Agent)).await;
        eventually("the marker agent", || async { agent_entry(&app, &admin, marker).await }).await;
        let gone = agent_entry(&app, &admin, agent_id).await.unwrap_or_else(|| panic!("the agent vanished"));
        assert_eq!(gone["available"], false);
    }
}

backend_test! {
    async fn an_erased_customers_incidents_lose_their_personal_data_and_others_keep_theirs(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let erased = app.user(Role::Customer);
        let other = app.user(Role::Customer);
        let theirs = app.open(&erased).await;
        let id = text(&theirs["id"]);
        assert_eq!(app.reply(&erased, &id, "My address is Calle Mayor 1", false).await.status(), StatusCode::CREATED);
        assert_eq!(app.reply(&agent, &id, "We are on it", false).await.status(), StatusCode::CREATED);
        let kept = app.open(&other).await;
        let customers = TestPublisher::start("customers", &app.bus).await;
        let erasure = CustomerErased { customer_id: Uuid::now_v7(), user_id: Some(erased.id) };
        customers.publish(&erasure).await;
        let anonymised = eventually("the anonymisation", || async {
            let incident = app.incident(&agent, &id).await;
            (incident["requester_name"] == "Erased customer").then_some(incident)
        }).await;
        assert_eq!(anonymised["requester_email"], "erased@erased.invalid");
        assert!(!anonymised["description"].as_str().unwrap_or_default().contains("Sunday"));
        let history = json_body(app.get(&agent, &format!("/incidents/{id}/history")).await).await;
        let history = history.to_string();
        assert!(!history.contains("Calle Mayor"), "{history}");
        assert!(history.contains("We are on it"), "staff's words stay: {history}");
        let untouched = app.incident(&agent, &text(&kept["id"])).await;
        assert_eq!(untouched["requester_name"], kept["requester_name"]);
        assert_eq!(untouched["description"], kept["description"]);
    }
}

backend_test! {
    async fn opening_and_moving_an_incident_are_published(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let incident = app.open(&customer).await;
        let id = text(&incident["id"]);
        assert_eq!(app.status(&agent, &id, "open").await.status(), StatusCode::OK);
        // A refused move publishes nothing.
        assert!(app.status(&agent, &id, "new").await.status().is_client_error());
        assert_eq!(app.status(&agent, &id, "resolved").await.status(), StatusCode::OK);
        let published: Vec<(String, Value)> = app.published().await.into_iter()
            .filter(|(_, data)| data["incident_id"] == id.as_str())
            .collect();
        let kinds: Vec<&str> = published.iter().map(|(kind, _)| kind.as_str()).collect();
        assert_eq!(kinds, [
            "tienda.support.incident.opened.v1",
            "tienda.support.incident.status_changed.v1",
            "tienda.support.incident.status_changed.v1",
        ]);
        assert_eq!(published[0].1["requester_user_id"], customer.id.to_string());
        assert_eq!((published[1].1["from"].clone(), published[1].1["to"].clone()), ("new".into(), "open".into()));
        assert_eq!((published[2].1["from"].clone(), published[2].1["to"].clone()), ("open".into(), "resolved".into()));
    }
}

backend_test! {
    async fn a_customer_relates_incidents_to_its_own_orders_only(backend) {
        let app = spawn_app(backend).await;
        let buyer = app.user(Role::Customer);
        let other = app.user(Role::Customer);
        let order_id = Uuid::now_v7();
        let orders = TestPublisher::start("orders", &app.bus).await;
        orders.publish(&OrderPlaced { order_id, user_id: buyer.id, total_amount: 2399, currency: "EUR".into(), lines: vec![] }).await;
        let about = |id: Uuid| serde_json::json!({"subject": "Late", "description": "Where is my order?", "category": "order", "related": {"kind": "order", "id": id}});
        // Once support has heard of the order, another customer cannot point at it.
        let refused = eventually("support learns the order", || async {
            let response = app.post(&other, "/incidents", &about(order_id)).await;
            (response.status() == StatusCode::UNPROCESSABLE_ENTITY).then_some(response)
        }).await;
        let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "related.id").as_deref(), Some("unknown"));
        let opened = app.post(&buyer, "/incidents", &about(order_id)).await;
        assert_eq!(opened.status(), StatusCode::CREATED);
        assert_eq!(json_body(opened).await["related"]["id"], order_id.to_string());
        // Staff may relate any order; an order not yet heard of is taken on trust.
        assert_eq!(app.post(&app.agent().await, "/incidents", &serde_json::json!({
            "subject": "Late", "description": "Calling for a customer", "category": "order",
            "related": {"kind": "order", "id": order_id},
            "customer": {"name": "Bea", "email": "bea@example.com"}
        })).await.status(), StatusCode::CREATED);
        assert_eq!(app.post(&other, "/incidents", &about(Uuid::now_v7())).await.status(), StatusCode::CREATED);
    }
}

backend_test! {
    async fn administrators_list_and_replay_dead_letters_over_http(backend) {
        let app = spawn_app(backend).await;
        let database = platform::db::Database::connect(&app.database.config).await.unwrap_or_else(|e| panic!("{e}"));
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO event_inbox (id, type, subject, envelope, status, attempts, next_attempt_at, last_error, received_at) \
             VALUES ($1, 'tienda.orders.order.placed.v1', 'poison', '{}', 'dead', 5, '2026-01-01T00:00:00Z', 'no such order', '2026-01-01T00:00:00Z')",
        )
        .bind(id.to_string())
        .execute(database.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let admin = app.user(Role::Admin);
        let letters = json_body(app.get(&admin, "/dead-letters").await).await;
        assert_eq!(letters.as_array().map(Vec::len), Some(1), "{letters}");
        assert_eq!(letters[0]["id"], id.to_string());
        assert_eq!(letters[0]["type"], "tienda.orders.order.placed.v1");
        assert_eq!(letters[0]["attempts"], 5);
        assert_eq!(letters[0]["last_error"], "no such order");
        for user in [app.user(Role::Agent), app.user(Role::Customer)] {
            assert_problem(app.get(&user, "/dead-letters").await, StatusCode::FORBIDDEN).await;
            assert_problem(app.post(&user, &format!("/dead-letters/{id}/replay"), &serde_json::json!({})).await, StatusCode::FORBIDDEN).await;
        }
        let replayed = app.post(&admin, &format!("/dead-letters/{id}/replay"), &serde_json::json!({})).await;
        assert_eq!(replayed.status(), StatusCode::NO_CONTENT);
        let letters = json_body(app.get(&admin, "/dead-letters").await).await;
        assert_eq!(letters, serde_json::json!([]), "back with its handler");
        assert_problem(app.post(&admin, &format!("/dead-letters/{id}/replay"), &serde_json::json!({})).await, StatusCode::NOT_FOUND).await;
        assert_problem(app.post(&admin, "/dead-letters/not-an-id/replay", &serde_json::json!({})).await, StatusCode::NOT_FOUND).await;
    }
}

//! What customers learns from identity's events, and what it publishes.

use contracts::auth::Role;
use contracts::events::identity::{UserDeleted, UserRegistered};
use platform::backend_test;
use platform::events::Envelope;
use platform::testing::events::{TestPublisher, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// The record with this email, as an administrator finds it.
async fn find_by_email(app: &TestApp, admin: &TestUser, email: &str) -> Option<Value> {
    let response = app.get(admin, &format!("/?q={email}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = json_body(response).await;
    page["items"]
        .as_array()
        .and_then(|items| items.first().cloned())
}

fn registered(email: &str, role: Role) -> UserRegistered {
    UserRegistered {
        user_id: Uuid::now_v7(),
        email: email.to_owned(),
        name: "Lucía Fernández Vega".to_owned(),
        role,
    }
}

backend_test! {
    async fn a_new_account_gets_a_customer_record_from_its_registration_event(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let identity = TestPublisher::start("identity", &app.bus).await;
        let email = unique_email();
        let event = registered(&email, Role::Customer);
        identity.publish(&event).await;
        let record = eventually("the record", || async { find_by_email(&app, &admin, &email).await }).await;
        assert_eq!(record["user_id"], event.user_id.to_string());
        assert_eq!(record["given_name"], "Lucía");
        assert_eq!(record["family_name"], "Fernández Vega");
        // The account's owner finds it at /me.
        let owner = TestUser { id: event.user_id, email: email.clone(), token: app.issuer.token(event.user_id, Role::Customer, &email, "Lucía") };
        let me = json_body(app.get(&owner, "/me").await).await;
        assert_eq!(me["id"], record["id"]);
    }
}

backend_test! {
    async fn a_registration_event_links_the_record_staff_made_with_that_email(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let email = unique_email();
        let made = app.create(&admin, json!({"given_name": "Carmen", "family_name": "Ruiz", "email": email})).await;
        let identity = TestPublisher::start("identity", &app.bus).await;
        let event = registered(&email, Role::Customer);
        identity.publish(&event).await;
        let linked = eventually("the link", || async {
            find_by_email(&app, &admin, &email).await.filter(|record| record["user_id"] == event.user_id.to_string())
        }).await;
        assert_eq!(linked["id"], made["id"]);
        // Staff's names stay.
        assert_eq!(linked["given_name"], "Carmen");
        let all = json_body(app.get(&admin, &format!("/?q={email}")).await).await;
        assert_eq!(all["items"].as_array().map(Vec::len), Some(1));
    }
}

backend_test! {
    async fn the_same_registration_delivered_three_times_makes_one_record(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let email = unique_email();
        let envelope = Envelope::wrap("identity", &registered(&email, Role::Customer), None)
            .unwrap_or_else(|error| panic!("{error:#}"));
        let thrice = [envelope.clone(), envelope.clone(), envelope];
        let published = app.bus.transport().publish(&thrice).await;
        assert_eq!(published.confirmed, 3, "{:?}", published.error);
        // The in-memory transport confirms once the inbox has stored (and deduplicated) all
        // three, so when the record exists every copy has been seen.
        let record = eventually("the record", || async { find_by_email(&app, &admin, &email).await }).await;
        let id = text(&record["id"]);
        let history = json_body(app.get(&admin, &format!("/{id}/history")).await).await;
        let created = history["items"].as_array().into_iter().flatten().filter(|entry| entry["action"] == "customer.created").count();
        assert_eq!(created, 1, "{history}");
        let all = json_body(app.get(&admin, &format!("/?q={email}")).await).await;
        assert_eq!(all["items"].as_array().map(Vec::len), Some(1));
    }
}

backend_test! {
    async fn staff_and_sellers_get_no_customer_record_and_a_taken_record_is_not_taken(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let identity = TestPublisher::start("identity", &app.bus).await;
        let agent_email = unique_email();
        identity.publish(&registered(&agent_email, Role::Agent)).await;
        // A record already linked to another account keeps its link.
        let email = unique_email();
        let first = registered(&email, Role::Customer);
        identity.publish(&first).await;
        identity.publish(&registered(&email, Role::Customer)).await;
        let marker = unique_email();
        identity.publish(&registered(&marker, Role::Customer)).await;
        eventually("the marker record", || async { find_by_email(&app, &admin, &marker).await }).await;
        assert!(find_by_email(&app, &admin, &agent_email).await.is_none());
        let record = find_by_email(&app, &admin, &email).await.unwrap_or_else(|| panic!("no record"));
        assert_eq!(record["user_id"], first.user_id.to_string());
    }
}

backend_test! {
    async fn a_deleted_account_is_unlinked_and_its_record_kept(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let identity = TestPublisher::start("identity", &app.bus).await;
        let email = unique_email();
        let event = registered(&email, Role::Customer);
        identity.publish(&event).await;
        identity.publish(&UserDeleted { user_id: event.user_id }).await;
        let record = eventually("the unlink", || async {
            find_by_email(&app, &admin, &email).await.filter(|record| record["user_id"].is_null())
        }).await;
        assert_eq!(record["status"], "active");
    }
}

backend_test! {
    async fn changes_to_a_record_are_published_and_erasure_carries_no_personal_data(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let email = unique_email();
        let made = app.create(&admin, json!({"given_name": "Carmen", "family_name": "Ruiz", "email": email})).await;
        let id = text(&made["id"]);
        let current = app.get(&admin, &format!("/{id}")).await;
        let tag = etag(&current);
        let changed = app.send(app.http.patch(app.url(&format!("/{id}"))).bearer_auth(&admin.token).header("if-match", tag).json(&json!({"given_name": "Carmela"}))).await;
        assert_eq!(changed.status(), StatusCode::OK);
        // A refused change publishes nothing.
        let refused = app.patch(&admin, &format!("/{id}"), &json!({"given_name": ""})).await;
        assert!(refused.status().is_client_error());
        let erased = app.post(&admin, &format!("/{id}/erase"), &json!({})).await;
        assert_eq!(erased.status(), StatusCode::OK);
        let published: Vec<(String, Value)> = app.published().await.into_iter()
            .filter(|(_, data)| data["customer_id"] == id.as_str())
            .collect();
        let kinds: Vec<&str> = published.iter().map(|(kind, _)| kind.as_str()).collect();
        assert_eq!(kinds, [
            "tienda.customers.customer.created.v1",
            "tienda.customers.customer.updated.v1",
            "tienda.customers.customer.erased.v1",
        ]);
        assert_eq!(published[0].1["email"], email.as_str());
        assert_eq!(published[1].1["given_name"], "Carmela");
        let erasure = published[2].1.to_string();
        assert!(!erasure.contains(&email) && !erasure.contains("Carmela"), "{erasure}");
    }
}

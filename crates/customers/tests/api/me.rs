//! `/api/customers/me`: a customer's own record.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn the_first_visit_makes_a_record_from_the_account(backend) {
        let app = spawn_app(backend).await;
        let user = app.user_named(Role::Customer, &unique_email(), "Ana María López");
        let response = app.get(&user, "/me").await;
        assert_eq!(response.status(), StatusCode::OK);
        let record = json_body(response).await;
        assert_eq!(record["given_name"], "Ana");
        assert_eq!(record["family_name"], "María López");
        assert_eq!(record["email"], user.email.as_str());
        assert_eq!(record["user_id"], user.id.to_string());
        let again = json_body(app.get(&user, "/me").await).await;
        assert_eq!(again["id"], record["id"]);
    }
}

backend_test! {
    async fn an_account_is_linked_to_the_record_staff_made_with_its_email(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let email = unique_email();
        let made = app.create(&agent, json!({"given_name": "Rosa", "family_name": "Vidal", "email": email, "phone": "+34611222333"})).await;
        let user = app.user_named(Role::Customer, &email.to_uppercase(), "R V");
        let own = json_body(app.get(&user, "/me").await).await;
        assert_eq!(own["id"], made["id"]);
        assert_eq!(own["user_id"], user.id.to_string());
        assert_eq!(own["phone"], "+34611222333");
        // The record is now the customer's to read by id too.
        let by_id = app.get(&user, &format!("/{}", text(&made["id"]))).await;
        assert_eq!(by_id.status(), StatusCode::OK);
    }
}

backend_test! {
    async fn concurrent_first_visits_make_one_record(backend) {
        let app = spawn_app(backend).await;
        let user = app.user(Role::Customer);
        let visits = (0..6).map(|_| app.get(&user, "/me"));
        let bodies = futures::future::join_all(visits).await;
        let mut ids = Vec::new();
        for response in bodies {
            assert_eq!(response.status(), StatusCode::OK);
            ids.push(json_body(response).await["id"].clone());
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{ids:?}");
    }
}

backend_test! {
    async fn a_customer_edits_its_own_fields_but_not_id_link_status_or_email(backend) {
        let app = spawn_app(backend).await;
        let user = app.user(Role::Customer);
        let record = json_body(app.get(&user, "/me").await).await;
        let changed = app.patch(&user, "/me", &json!({"phone": "+52 55 1234 5678", "family_name": "López"})).await;
        assert_eq!(changed.status(), StatusCode::OK);
        let changed = json_body(changed).await;
        assert_eq!(changed["phone"], "+525512345678");
        for forbidden in [json!({"user_id": uuid::Uuid::now_v7()}), json!({"id": uuid::Uuid::now_v7()}), json!({"status": "erased"})] {
            let field = forbidden.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
            let problem = assert_problem(app.patch(&user, "/me", &forbidden).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(error_code(&problem, &field).as_deref(), Some("unknown_field"), "{field}");
        }
        let problem = assert_problem(app.patch(&user, "/me", &json!({"email": "new@example.com"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "email").as_deref(), Some("not_allowed"));
        // The same rules through /{id}.
        let by_id = app.patch(&user, &format!("/{}", text(&record["id"])), &json!({"email": "new@example.com"})).await;
        assert_problem(by_id, StatusCode::UNPROCESSABLE_ENTITY).await;
        let after = json_body(app.get(&user, "/me").await).await;
        assert_eq!(after["email"], user.email.as_str());
        assert_eq!(after["status"], "active");
        assert_eq!(after["user_id"], user.id.to_string());
    }
}

backend_test! {
    async fn a_customer_never_sees_another_customers_record(backend) {
        let app = spawn_app(backend).await;
        let (alice, bob) = (app.user(Role::Customer), app.user(Role::Customer));
        let bobs = json_body(app.get(&bob, "/me").await).await;
        let path = format!("/{}", text(&bobs["id"]));
        for response in [
            app.get(&alice, &path).await,
            app.patch(&alice, &path, &json!({"given_name": "Hacked"})).await,
            app.get(&alice, &format!("{path}/services")).await,
            app.get(&alice, &format!("{path}/export")).await,
        ] {
            assert_problem(response, StatusCode::NOT_FOUND).await;
        }
        assert_eq!(json_body(app.get(&bob, "/me").await).await["given_name"], bobs["given_name"]);
    }
}

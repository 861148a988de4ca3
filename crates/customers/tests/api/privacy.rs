//! History, export and erasure.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn every_change_is_in_the_history_with_who_and_what(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let record = app.create_plain(&agent).await;
        let id = text(&record["id"]);
        app.patch(&agent, &format!("/{id}"), &json!({"given_name": "Carmela"})).await;
        app.post(&agent, &format!("/{id}/services"), &json!({"name": "TV", "started_on": "2025-01-01"})).await;
        let history = json_body(app.get(&agent, &format!("/{id}/history")).await).await;
        let actions: Vec<String> = history["items"].as_array().into_iter().flatten().map(|e| text(&e["action"])).collect();
        assert_eq!(actions, ["customer.created", "customer.updated", "service.added"]);
        let update = &history["items"][1];
        assert_eq!(update["actor_id"], agent.id.to_string());
        assert_eq!(update["actor_role"], "agent");
        assert_eq!(update["changes"], json!({"given_name": {"from": "Carmen", "to": "Carmela"}}));
        let customer = app.user(Role::Customer);
        assert_problem(app.get(&customer, &format!("/{id}/history")).await, StatusCode::FORBIDDEN).await;
    }
}

backend_test! {
    async fn an_export_holds_the_record_its_services_and_its_history(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let user = app.user(Role::Customer);
        let own = json_body(app.get(&user, "/me").await).await;
        let id = text(&own["id"]);
        app.post(&agent, &format!("/{id}/services"), &json!({"name": "Fibra 1 Gb", "started_on": "2025-02-01"})).await;
        app.patch(&user, "/me", &json!({"phone": "+34600123456"})).await;
        for caller in [&user, &agent] {
            let response = app.get(caller, &format!("/{id}/export")).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert!(response.headers().get("content-disposition").is_some());
            let export = json_body(response).await;
            assert_eq!(export["customer"]["id"], id.as_str());
            assert_eq!(export["customer"]["phone"], "+34600123456");
            assert_eq!(export["services"][0]["name"], "Fibra 1 Gb");
            assert_eq!(export["services"][0]["history"][0]["to"], "active");
            let actions: Vec<String> = export["history"].as_array().into_iter().flatten().map(|e| text(&e["action"])).collect();
            assert_eq!(actions, ["customer.created", "service.added", "customer.updated"]);
        }
    }
}

backend_test! {
    async fn erasure_leaves_no_personal_data_in_the_record_or_its_history(backend) {
        let app = spawn_app(backend).await;
        let (agent, admin) = (app.user(Role::Agent), app.user(Role::Admin));
        let email = unique_email();
        let record = app.create(&agent, json!({
            "given_name": "Perséfone", "family_name": "Quintanilla", "email": email,
            "phone": "+34655443322", "birth_date": "1979-09-09",
            "addresses": [{"line1": "Calle del Secreto 7", "city": "Toledo", "postal_code": "45001", "country": "ES"}]
        })).await;
        let id = text(&record["id"]);
        app.patch(&agent, &format!("/{id}"), &json!({"family_name": "Quintanilla Ríos", "phone": "+34655000000"})).await;
        app.post(&agent, &format!("/{id}/services"), &json!({"name": "TV Total", "started_on": "2025-01-01"})).await;
        assert_problem(app.post(&agent, &format!("/{id}/erase"), &json!({})).await, StatusCode::FORBIDDEN).await;
        let erased = app.post(&admin, &format!("/{id}/erase"), &json!({})).await;
        assert_eq!(erased.status(), StatusCode::OK);
        let export = json_body(app.get(&admin, &format!("/{id}/export")).await).await;
        let everything = export.to_string();
        for secret in ["Perséfone", "Quintanilla", email.as_str(), "+34655443322", "+34655000000", "1979-09-09", "Secreto", "Toledo"] {
            assert!(!everything.contains(secret), "{secret} survived erasure: {everything}");
        }
        assert_eq!(export["customer"]["id"], id.as_str());
        assert_eq!(export["customer"]["status"], "erased");
        assert_eq!(export["services"][0]["name"], "TV Total");
        let last = export["history"].as_array().and_then(|h| h.last()).cloned().unwrap_or_default();
        assert_eq!(last["action"], "customer.erased");
        // Erasing again changes nothing; the email is free for a new record.
        assert_eq!(app.post(&admin, &format!("/{id}/erase"), &json!({})).await.status(), StatusCode::OK);
        app.create(&agent, json!({"given_name": "New", "email": email})).await;
        assert_problem(app.patch(&agent, &format!("/{id}"), &json!({"given_name": "Back"})).await, StatusCode::CONFLICT).await;
    }
}

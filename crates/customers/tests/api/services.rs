//! `/api/customers/{id}/services`.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn staff_add_services_and_every_status_change_is_kept(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let record = app.create_plain(&agent).await;
        let base = format!("/{}/services", text(&record["id"]));
        let added = app.post(&agent, &base, &json!({"name": "Fibra 600 Mb", "plan": "Hogar", "started_on": "2025-03-01"})).await;
        assert_eq!(added.status(), StatusCode::CREATED);
        let service = json_body(added).await;
        assert_eq!(service["status"], "active");
        let path = format!("{base}/{}", text(&service["id"]));
        for status in ["suspended", "active", "cancelled"] {
            let response = app.patch(&agent, &path, &json!({"status": status})).await;
            assert_eq!(response.status(), StatusCode::OK, "{status}");
        }
        let problem = assert_problem(app.patch(&agent, &path, &json!({"status": "active"})).await, StatusCode::CONFLICT).await;
        assert!(text(&problem["detail"]).contains("cancelled"));
        let listed = json_body(app.get(&agent, &base).await).await;
        let history: Vec<(serde_json::Value, serde_json::Value)> = listed[0]["history"].as_array().into_iter().flatten()
            .map(|change| (change["from"].clone(), change["to"].clone())).collect();
        assert_eq!(history, vec![
            (json!(null), json!("active")),
            (json!("active"), json!("suspended")),
            (json!("suspended"), json!("active")),
            (json!("active"), json!("cancelled")),
        ]);
    }
}

backend_test! {
    async fn bad_services_are_refused(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let record = app.create_plain(&agent).await;
        let base = format!("/{}/services", text(&record["id"]));
        let problem = assert_problem(app.post(&agent, &base, &json!({"name": "TV", "started_on": "2025-05-01", "ends_on": "2025-04-01"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "ends_on").as_deref(), Some("out_of_range"));
        let problem = assert_problem(app.post(&agent, &base, &json!({"name": " ", "started_on": "01/05/2025"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "name").as_deref(), Some("too_short"));
        assert_eq!(error_code(&problem, "started_on").as_deref(), Some("invalid"));
        assert_problem(app.post(&agent, &base, &json!({"name": "TV", "started_on": "2025-01-01", "status": "paused"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let missing = format!("/{}/services", uuid::Uuid::now_v7());
        assert_problem(app.post(&agent, &missing, &json!({"name": "TV", "started_on": "2025-01-01"})).await, StatusCode::NOT_FOUND).await;
        let service = json_body(app.post(&agent, &base, &json!({"name": "TV", "started_on": "2025-01-01"})).await).await;
        let path = format!("{base}/{}", text(&service["id"]));
        let stale = app.send(app.http.patch(app.url(&path)).bearer_auth(&agent.token).header("if-match", "\"9\"").json(&json!({"plan": "Max"}))).await;
        assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
        let other_customer = app.create_plain(&agent).await;
        let wrong_owner = format!("/{}/services/{}", text(&other_customer["id"]), text(&service["id"]));
        assert_problem(app.patch(&agent, &wrong_owner, &json!({"plan": "Max"})).await, StatusCode::NOT_FOUND).await;
    }
}

backend_test! {
    async fn a_customer_reads_its_own_services_but_cannot_change_them(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let user = app.user(Role::Customer);
        let own = json_body(app.get(&user, "/me").await).await;
        let base = format!("/{}/services", text(&own["id"]));
        let service = json_body(app.post(&agent, &base, &json!({"name": "Móvil 30 GB", "started_on": "2024-06-01"})).await).await;
        let listed = json_body(app.get(&user, &base).await).await;
        assert_eq!(listed[0]["name"], "Móvil 30 GB");
        assert_problem(app.post(&user, &base, &json!({"name": "Free TV", "started_on": "2024-06-01"})).await, StatusCode::FORBIDDEN).await;
        let path = format!("{base}/{}", text(&service["id"]));
        assert_problem(app.patch(&user, &path, &json!({"status": "cancelled"})).await, StatusCode::FORBIDDEN).await;
    }
}

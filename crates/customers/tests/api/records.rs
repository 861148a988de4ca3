//! `/api/customers` and `/api/customers/{id}`.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn staff_create_a_record_with_every_field_normalised(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let response = app.post(&agent, "/", &json!({
            "given_name": " Lucía ", "family_name": "García", "email": " Lucia.Garcia@Example.COM ",
            "phone": "+34 600 111 222", "birth_date": "1988-04-12",
            "addresses": [{"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "es"}]
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(etag(&response), "\"1\"");
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = json_body(response).await;
        assert_eq!(body["given_name"], "Lucía");
        assert_eq!(body["email"], "lucia.garcia@example.com");
        assert_eq!(body["phone"], "+34600111222");
        assert_eq!(body["birth_date"], "1988-04-12");
        assert_eq!(body["addresses"][0]["country"], "ES");
        assert_eq!(body["status"], "active");
        assert_eq!(body["user_id"], serde_json::Value::Null);
        assert_eq!(location, Some(format!("/api/customers/{}", text(&body["id"]))));
    }
}

backend_test! {
    async fn a_duplicate_email_in_any_case_is_409_pointing_to_the_existing_record(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let email = unique_email();
        let first = app.create(&admin, json!({"given_name": "A", "email": email})).await;
        for spelling in [email.clone(), format!("  {}  ", email.to_uppercase())] {
            let problem = assert_problem(app.post(&admin, "/", &json!({"given_name": "B", "email": spelling})).await, StatusCode::CONFLICT).await;
            assert_eq!(problem["existing"], format!("/api/customers/{}", text(&first["id"])));
        }
        let second = app.create_plain(&admin).await;
        let clash = app.patch(&admin, &format!("/{}", text(&second["id"])), &json!({"email": email.to_uppercase()})).await;
        assert_problem(clash, StatusCode::CONFLICT).await;
    }
}

backend_test! {
    async fn invalid_fields_are_all_named(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let problem = assert_problem(app.post(&agent, "/", &json!({
            "given_name": " ", "email": "nope", "phone": "600111222", "birth_date": "2999-01-01",
            "addresses": [{"line1": "x", "city": "y", "postal_code": "z", "country": "Spain"}]
        })).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        for (field, code) in [("given_name", "too_short"), ("email", "invalid"), ("phone", "invalid"),
                              ("birth_date", "out_of_range"), ("addresses[0].country", "invalid")] {
            assert_eq!(error_code(&problem, field).as_deref(), Some(code), "{field}");
        }
        let long = "n".repeat(101);
        let problem = assert_problem(app.post(&agent, "/", &json!({"given_name": long, "email": unique_email()})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "given_name").as_deref(), Some("too_long"));
        let problem = assert_problem(app.post(&agent, "/", &json!({"given_name": "A", "email": unique_email(), "status": "erased"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "status").as_deref(), Some("unknown_field"));
    }
}

backend_test! {
    async fn customers_and_sellers_cannot_create_search_or_delete(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let record = app.create_plain(&admin).await;
        let id = text(&record["id"]);
        for role in [Role::Customer, Role::Seller] {
            let user = app.user(role);
            assert_problem(app.post(&user, "/", &json!({"given_name": "A", "email": unique_email()})).await, StatusCode::FORBIDDEN).await;
            assert_problem(app.get(&user, "/").await, StatusCode::FORBIDDEN).await;
            // Someone else's record does not exist for them.
            assert_problem(app.get(&user, &format!("/{id}")).await, StatusCode::NOT_FOUND).await;
            assert_problem(app.patch(&user, &format!("/{id}"), &json!({"given_name": "Mallory"})).await, StatusCode::NOT_FOUND).await;
            let delete = app.send(app.http.delete(app.url(&format!("/{id}"))).bearer_auth(&user.token)).await;
            assert_problem(delete, StatusCode::FORBIDDEN).await;
        }
        let anonymous = app.send(app.http.get(app.url(&format!("/{id}")))).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
        let unchanged = json_body(app.get(&admin, &format!("/{id}")).await).await;
        assert_eq!(unchanged["given_name"], "Carmen");
    }
}

backend_test! {
    async fn search_finds_by_name_email_or_phone_and_pages(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let marker = uuid::Uuid::now_v7().simple().to_string();
        let email = format!("searchable-{marker}@example.com");
        app.create(&agent, json!({"given_name": "Íñigo", "family_name": format!("Zubizarreta{marker}"), "email": email, "phone": "+34699000111"})).await;
        for _ in 0..4 {
            app.create_plain(&agent).await;
        }
        for q in [format!("zubizarreta{}", &marker[..8]), format!("SEARCHABLE-{}", &marker[..8]), "+34699000111".to_owned(), "íñigo".to_owned()] {
            let page = json_body(app.send(app.http.get(app.url("/")).query(&[("q", q.as_str())]).bearer_auth(&agent.token)).await).await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            assert_eq!(items.len(), 1, "{q}");
            assert_eq!(items[0]["email"], email.as_str());
        }
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let mut request = app.http.get(app.url("/")).query(&[("limit", "2")]).bearer_auth(&agent.token);
            if let Some(cursor) = &cursor {
                request = request.query(&[("cursor", cursor.as_str())]);
            }
            let page = json_body(app.send(request).await).await;
            seen += page["items"].as_array().map_or(0, Vec::len);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, 5);
        assert_problem(app.get(&agent, "/?limit=500").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let wildcard = json_body(app.get(&agent, "/?q=%25").await).await;
        assert_eq!(wildcard["items"], json!([]));
    }
}

backend_test! {
    async fn a_stale_if_match_is_412_and_changes_nothing(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let record = app.create_plain(&agent).await;
        let path = format!("/{}", text(&record["id"]));
        let first = app.send(app.http.patch(app.url(&path)).bearer_auth(&agent.token).header("if-match", "\"1\"").json(&json!({"given_name": "Carmela"}))).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(etag(&first), "\"2\"");
        let stale = app.send(app.http.patch(app.url(&path)).bearer_auth(&agent.token).header("if-match", "\"1\"").json(&json!({"given_name": "Lost Update"}))).await;
        assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
        let stale_delete = app.send(app.http.delete(app.url(&path)).bearer_auth(&agent.token).header("if-match", "\"1\"")).await;
        assert_problem(stale_delete, StatusCode::PRECONDITION_FAILED).await;
        let now = app.get(&agent, &path).await;
        assert_eq!(etag(&now), "\"2\"");
        assert_eq!(json_body(now).await["given_name"], "Carmela");
    }
}

backend_test! {
    async fn patch_clears_optional_fields_with_null_and_a_no_op_keeps_the_version(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let record = app.create(&agent, json!({"given_name": "Nora", "email": unique_email(), "phone": "+34600000001"})).await;
        let path = format!("/{}", text(&record["id"]));
        let cleared = json_body(app.patch(&agent, &path, &json!({"phone": null})).await).await;
        assert_eq!(cleared["phone"], serde_json::Value::Null);
        assert_eq!(cleared["version"], 2);
        let same = json_body(app.patch(&agent, &path, &json!({"given_name": "Nora"})).await).await;
        assert_eq!(same["version"], 2);
    }
}

backend_test! {
    async fn a_deleted_record_is_hidden_restorable_by_an_admin_and_then_visible_again(backend) {
        let app = spawn_app(backend).await;
        let (agent, admin) = (app.user(Role::Agent), app.user(Role::Admin));
        let record = app.create_plain(&agent).await;
        let path = format!("/{}", text(&record["id"]));
        let deleted = app.send(app.http.delete(app.url(&path)).bearer_auth(&agent.token)).await;
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        assert_problem(app.get(&agent, &path).await, StatusCode::NOT_FOUND).await;
        let listed = json_body(app.get(&agent, "/").await).await;
        assert_eq!(listed["items"], json!([]));
        let shown = json_body(app.get(&admin, &path).await).await;
        assert_eq!(shown["status"], "deleted");
        let with_deleted = json_body(app.get(&admin, "/?include_deleted=true").await).await;
        assert_eq!(with_deleted["items"].as_array().map(Vec::len), Some(1));
        assert_problem(app.post(&agent, &format!("{path}/restore"), &json!({})).await, StatusCode::FORBIDDEN).await;
        let restored = app.post(&admin, &format!("{path}/restore"), &json!({})).await;
        assert_eq!(restored.status(), StatusCode::OK);
        assert_eq!(json_body(app.get(&agent, &path).await).await["status"], "active");
        assert_problem(app.post(&admin, &format!("{path}/restore"), &json!({})).await, StatusCode::CONFLICT).await;
    }
}

backend_test! {
    async fn past_the_restore_window_a_deleted_record_cannot_return_and_is_erased(backend) {
        let app = spawn_app_with(backend, |config| config.restore_window = std::time::Duration::ZERO).await;
        let admin = app.user(Role::Admin);
        let record = app.create(&admin, json!({"given_name": "Olvido", "family_name": "Pasado", "email": unique_email(), "phone": "+34600000002"})).await;
        let path = format!("/{}", text(&record["id"]));
        app.send(app.http.delete(app.url(&path)).bearer_auth(&admin.token)).await;
        assert_problem(app.post(&admin, &format!("{path}/restore"), &json!({})).await, StatusCode::CONFLICT).await;
        let erased = customers::app::privacy::erase_expired_deletions(&app.state).await;
        assert_eq!(erased.ok(), Some(1));
        let shown = json_body(app.get(&admin, &path).await).await;
        assert_eq!(shown["status"], "erased");
        assert!(!shown.to_string().contains("Olvido") && !shown.to_string().contains("+34600000002"));
    }
}

backend_test! {
    async fn ids_that_are_not_uuids_are_404(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        for path in ["/not-a-uuid", "/not-a-uuid/services", "/not-a-uuid/history", "/not-a-uuid/export"] {
            assert_problem(app.get(&agent, path).await, StatusCode::NOT_FOUND).await;
        }
        assert_problem(app.get(&agent, &format!("/{}", uuid::Uuid::now_v7())).await, StatusCode::NOT_FOUND).await;
    }
}

/// Every route of the customers service.
const ROUTES: [(&str, &str); 16] = [
    ("get", "/api/customers"),
    ("post", "/api/customers"),
    ("get", "/api/customers/me"),
    ("patch", "/api/customers/me"),
    ("get", "/api/customers/{id}"),
    ("patch", "/api/customers/{id}"),
    ("delete", "/api/customers/{id}"),
    ("post", "/api/customers/{id}/restore"),
    ("get", "/api/customers/{id}/services"),
    ("post", "/api/customers/{id}/services"),
    ("patch", "/api/customers/{id}/services/{service_id}"),
    ("get", "/api/customers/{id}/history"),
    ("get", "/api/customers/{id}/export"),
    ("post", "/api/customers/{id}/erase"),
    ("get", "/api/customers/dead-letters"),
    ("post", "/api/customers/dead-letters/{id}/replay"),
];

backend_test! {
    async fn every_route_is_documented_and_served(backend) {
        let app = spawn_app(backend).await;
        let document = json_body(app.send(app.http.get(format!("{}/api/openapi.json", app.origin()))).await).await;
        let mut documented: Vec<(String, String)> = document["paths"].as_object().into_iter().flatten()
            .flat_map(|(path, item)| item.as_object().into_iter().flatten().map(move |(method, _)| (method.clone(), path.clone())))
            .collect();
        documented.sort();
        let mut expected: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        expected.sort();
        assert_eq!(documented, expected);
        for (method, path) in &documented {
            let url = format!("{}{}", app.origin(), path.replace("{id}", &uuid::Uuid::now_v7().to_string()).replace("{service_id}", &uuid::Uuid::now_v7().to_string()));
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(reqwest::Method::GET);
            let status = app.send(app.http.request(method.clone(), &url).json(&json!({}))).await.status();
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    }
}

backend_test! {
    async fn control_characters_in_a_search_are_422(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        assert_problem(app.get(&agent, "/?q=a%00b").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

backend_test! {
    async fn thirty_two_concurrent_creates_with_a_few_emails_are_each_201_or_409_and_never_5xx(backend) {
        let app = spawn_app(backend).await;
        let agent = app.user(Role::Agent);
        let emails: Vec<String> = (0..4).map(|_| unique_email()).collect();
        // More requests than the pool has connections, each racing another for its email: a
        // duplicate must be told apart without holding one connection while waiting for another.
        let creates = (0..32).map(|n| {
            let body = json!({"given_name": "Rosa", "family_name": format!("Vidal {n}"), "email": emails[n % emails.len()]});
            let agent = agent.clone();
            let app = &app;
            async move { app.post(&agent, "/", &body).await }
        });
        let answers = futures::future::join_all(creates).await;
        let mut created = 0;
        for answer in answers {
            match answer.status() {
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => {
                    let problem = assert_problem(answer, StatusCode::CONFLICT).await;
                    assert!(problem["existing"].is_string(), "a duplicate email names the record: {problem}");
                }
                other => panic!("a create answered {other}: {}", answer.text().await.unwrap_or_default()),
            }
        }
        assert_eq!(created, emails.len(), "one record per email");
    }
}

//! Opening, visibility, the conversation, moves, assignment, merging and satisfaction.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_customer_opens_an_incident_and_staffs_first_reply_opens_it(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let incident = app.open(&customer).await;
        let id = text(&incident["id"]);
        assert_eq!(incident["status"], "new");
        assert_eq!(incident["priority"], "normal");
        assert_eq!(incident["requester_user_id"], customer.id.to_string());
        assert_eq!(incident["assignee_id"], agent.id.to_string(), "the only agent is assigned");
        assert_eq!(incident["sla"]["first_response"]["met"], serde_json::Value::Null);
        // An internal note does not answer the customer.
        assert_eq!(app.reply(&agent, &id, "Checking the courier.", true).await.status(), StatusCode::CREATED);
        assert_eq!(app.incident(&agent, &id).await["status"], "new");
        assert_eq!(app.reply(&agent, &id, "We are on it.", false).await.status(), StatusCode::CREATED);
        let answered = app.incident(&customer, &id).await;
        assert_eq!(answered["status"], "open");
        assert_eq!(answered["sla"]["first_response"]["met"], true);
    }
}

backend_test! {
    async fn customers_never_see_internal_notes_or_others_incidents(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let (alice, bob) = (app.user(Role::Customer), app.user(Role::Customer));
        let id = text(&app.open(&alice).await["id"]);
        app.reply(&agent, &id, "secret: refund approved by finance", true).await;
        app.reply(&agent, &id, "Hello Alice", false).await;
        let history = json_body(app.get(&alice, &format!("/incidents/{id}/history")).await).await;
        assert!(!history.to_string().contains("secret"), "{history}");
        assert!(history.to_string().contains("Hello Alice"));
        let staff_view = json_body(app.get(&agent, &format!("/incidents/{id}/history")).await).await;
        assert!(staff_view.to_string().contains("secret"));
        for response in [
            app.get(&bob, &format!("/incidents/{id}")).await,
            app.get(&bob, &format!("/incidents/{id}/history")).await,
            app.reply(&bob, &id, "me too", false).await,
            app.status(&bob, &id, "resolved").await,
        ] {
            assert_problem(response, StatusCode::NOT_FOUND).await;
        }
        let bobs_queue = json_body(app.get(&bob, "/incidents").await).await;
        assert_eq!(bobs_queue["items"], json!([]));
        let problem = assert_problem(app.reply(&alice, &id, "note to self", true).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "internal").as_deref(), Some("not_allowed"));
    }
}

backend_test! {
    async fn a_customer_cannot_set_priority_or_assignee(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let problem = assert_problem(app.post(&customer, "/incidents", &json!({"subject": "x", "description": "y", "category": "other", "priority": "urgent"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "priority").as_deref(), Some("not_allowed"));
        let id = text(&app.open(&customer).await["id"]);
        assert_problem(app.patch(&customer, &format!("/incidents/{id}"), &json!({"priority": "urgent"})).await, StatusCode::FORBIDDEN).await;
        assert_problem(app.patch(&customer, &format!("/incidents/{id}"), &json!({"assignee_id": agent.id})).await, StatusCode::FORBIDDEN).await;
        assert_problem(app.post(&customer, &format!("/incidents/{id}/claim"), &json!({})).await, StatusCode::FORBIDDEN).await;
        let changed = app.patch(&agent, &format!("/incidents/{id}"), &json!({"priority": "urgent", "assignee_id": null})).await;
        assert_eq!(changed.status(), StatusCode::OK);
        let changed = json_body(changed).await;
        assert_eq!(changed["priority"], "urgent");
        assert_eq!(changed["assignee_id"], serde_json::Value::Null);
        let unknown = app.patch(&agent, &format!("/incidents/{id}"), &json!({"assignee_id": uuid::Uuid::now_v7()})).await;
        assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
        let claimed = json_body(app.post(&agent, &format!("/incidents/{id}/claim"), &json!({})).await).await;
        assert_eq!(claimed["assignee_id"], agent.id.to_string());
    }
}

backend_test! {
    async fn moves_follow_the_table_and_closed_is_read_only(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let id = text(&app.open(&customer).await["id"]);
        // Each caller is told the moves it may make.
        assert_eq!(app.incident(&customer, &id).await["moves"], json!(["resolved"]));
        assert_eq!(app.incident(&agent, &id).await["moves"], json!(["open", "pending", "on_hold", "resolved"]));
        // A customer may only resolve.
        assert_problem(app.status(&customer, &id, "pending").await, StatusCode::CONFLICT).await;
        for to in ["pending", "on_hold", "open", "resolved"] {
            assert_eq!(app.status(&agent, &id, to).await.status(), StatusCode::OK, "{to}");
        }
        assert_problem(app.status(&agent, &id, "pending").await, StatusCode::CONFLICT).await;
        assert_problem(app.status(&agent, &id, "merged").await, StatusCode::CONFLICT).await;
        assert_eq!(app.status(&agent, &id, "closed").await.status(), StatusCode::OK);
        assert_eq!(app.incident(&agent, &id).await["moves"], json!([]));
        for response in [
            app.status(&agent, &id, "open").await,
            app.reply(&customer, &id, "hello?", false).await,
            app.patch(&agent, &format!("/incidents/{id}"), &json!({"priority": "high"})).await,
        ] {
            assert_problem(response, StatusCode::CONFLICT).await;
        }
        let history = json_body(app.get(&agent, &format!("/incidents/{id}/history")).await).await;
        let moves: Vec<String> = history.as_array().into_iter().flatten().filter(|e| e["kind"] == "status").map(|e| text(&e["data"]["to"])).collect();
        assert_eq!(moves, ["pending", "on_hold", "open", "resolved", "closed"]);
    }
}

backend_test! {
    async fn a_customer_reply_reopens_a_pending_incident_and_a_customer_may_resolve_its_own(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let id = text(&app.open(&customer).await["id"]);
        app.status(&agent, &id, "pending").await;
        app.reply(&customer, &id, "Here is the photo", false).await;
        assert_eq!(app.incident(&agent, &id).await["status"], "open");
        assert_eq!(app.status(&customer, &id, "resolved").await.status(), StatusCode::OK);
        let rated = app.post(&customer, &format!("/incidents/{id}/satisfaction"), &json!({"rating": 5, "comment": "Quick!"})).await;
        assert_eq!(rated.status(), StatusCode::OK);
        assert_problem(app.post(&customer, &format!("/incidents/{id}/satisfaction"), &json!({"rating": 1})).await, StatusCode::CONFLICT).await;
        assert_problem(app.post(&agent, &format!("/incidents/{id}/satisfaction"), &json!({"rating": 1})).await, StatusCode::FORBIDDEN).await;
        let other = text(&app.open(&customer).await["id"]);
        assert_problem(app.post(&customer, &format!("/incidents/{other}/satisfaction"), &json!({"rating": 4})).await, StatusCode::CONFLICT).await;
        app.status(&agent, &other, "resolved").await;
        assert_problem(app.post(&customer, &format!("/incidents/{other}/satisfaction"), &json!({"rating": 6})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

backend_test! {
    async fn round_robin_spreads_100_incidents_evenly_over_available_agents(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let agents = [app.agent().await, app.agent().await, app.agent().await, app.agent().await];
        // A fifth agent is away: it gets nothing.
        let away = app.agent().await;
        let patched = app.patch(&admin, &format!("/agents/{}", away.id), &json!({"available": false})).await;
        assert_eq!(patched.status(), StatusCode::OK);
        let customer = app.user(Role::Customer);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..100 {
            let incident = app.open(&customer).await;
            *counts.entry(text(&incident["assignee_id"])).or_insert(0) += 1;
        }
        assert!(!counts.contains_key(&away.id.to_string()));
        for agent in &agents {
            assert_eq!(counts.get(&agent.id.to_string()), Some(&25), "{counts:?}");
        }
    }
}

backend_test! {
    async fn least_open_assignment_prefers_the_least_busy_agent(backend) {
        let app = spawn_app_with(backend, |config| config.assignment = support::Assignment::LeastOpen).await;
        let (busy, idle) = (app.agent().await, app.agent().await);
        let customer = app.user(Role::Customer);
        let first = app.open(&customer).await;
        let first_assignee = text(&first["assignee_id"]);
        // Resolving the first one's work leaves both even; the next goes to the other agent.
        let second = app.open(&customer).await;
        assert_ne!(text(&second["assignee_id"]), first_assignee);
        let loaded = if first_assignee == busy.id.to_string() { &busy } else { &idle };
        app.status(loaded, &text(&first["id"]), "resolved").await;
        let third = app.open(&customer).await;
        assert_eq!(text(&third["assignee_id"]), first_assignee, "the agent with no active incident");
    }
}

backend_test! {
    async fn merging_moves_the_conversation_and_only_within_one_customer(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let (alice, bob) = (app.user(Role::Customer), app.user(Role::Customer));
        let target = text(&app.open(&alice).await["id"]);
        let duplicate = text(&app.open(&alice).await["id"]);
        app.reply(&alice, &duplicate, "Same problem, more details: order 1234", false).await;
        let merged = app.post(&agent, &format!("/incidents/{duplicate}/merge"), &json!({"into": target})).await;
        assert_eq!(merged.status(), StatusCode::OK);
        let merged = json_body(merged).await;
        assert_eq!(merged["status"], "merged");
        assert_eq!(merged["merged_into"], target.as_str());
        let history = json_body(app.get(&alice, &format!("/incidents/{target}/history")).await).await;
        assert!(history.to_string().contains("order 1234"));
        assert_problem(app.reply(&alice, &duplicate, "hello?", false).await, StatusCode::CONFLICT).await;
        let bobs = text(&app.open(&bob).await["id"]);
        assert_problem(app.post(&agent, &format!("/incidents/{bobs}/merge"), &json!({"into": target})).await, StatusCode::CONFLICT).await;
        assert_problem(app.post(&agent, &format!("/incidents/{target}/merge"), &json!({"into": target})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_problem(app.post(&alice, &format!("/incidents/{target}/merge"), &json!({"into": bobs})).await, StatusCode::FORBIDDEN).await;
    }
}

backend_test! {
    async fn staff_open_incidents_on_behalf_of_a_customer_and_filter_the_queue(backend) {
        let app = spawn_app_with(backend, |config| config.assignment = support::Assignment::Off).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let opened = app.post(&agent, "/incidents", &json!({
            "subject": "Phoned in: no signal", "description": "Since Monday", "category": "service", "priority": "high",
            "customer": {"user_id": customer.id, "name": "Ana López", "email": "Ana@Example.com"}
        })).await;
        assert_eq!(opened.status(), StatusCode::CREATED);
        let opened = json_body(opened).await;
        assert_eq!(opened["requester_email"], "ana@example.com");
        assert_eq!(opened["assignee_id"], serde_json::Value::Null);
        let own = json_body(app.get(&customer, "/incidents").await).await;
        assert_eq!(own["items"][0]["id"], opened["id"]);
        app.open(&customer).await;
        let high = json_body(app.get(&agent, "/incidents?priority=high").await).await;
        assert_eq!(high["items"].as_array().map(Vec::len), Some(1));
        let services = json_body(app.get(&agent, "/incidents?category=service&status=new").await).await;
        assert_eq!(services["items"].as_array().map(Vec::len), Some(1));
        // Soonest due first: the high one (4 h) before the normal one (8 h).
        let queue = json_body(app.get(&agent, "/incidents").await).await;
        assert_eq!(queue["items"][0]["priority"], "high");
        let page = json_body(app.get(&agent, "/incidents?limit=1").await).await;
        let next = text(&page["next_cursor"]);
        let second = json_body(app.get(&agent, &format!("/incidents?limit=1&cursor={next}")).await).await;
        assert_eq!(second["items"][0]["priority"], "normal");
        assert_eq!(second["next_cursor"], serde_json::Value::Null);
        for bad in ["/incidents?limit=0", "/incidents?status=lost", "/incidents?cursor=zzz"] {
            assert_problem(app.get(&agent, bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
}

const ROUTES: [(&str, &str); 14] = [
    ("get", "/api/support/queue-summary"),
    ("get", "/api/support/incidents"),
    ("post", "/api/support/incidents"),
    ("get", "/api/support/incidents/{id}"),
    ("patch", "/api/support/incidents/{id}"),
    ("post", "/api/support/incidents/{id}/status"),
    ("post", "/api/support/incidents/{id}/claim"),
    ("post", "/api/support/incidents/{id}/merge"),
    ("post", "/api/support/incidents/{id}/satisfaction"),
    ("post", "/api/support/incidents/{id}/comments"),
    ("get", "/api/support/incidents/{id}/history"),
    ("get", "/api/support/agents"),
    ("get", "/api/support/dead-letters"),
    ("post", "/api/support/dead-letters/{id}/replay"),
];

backend_test! {
    async fn every_route_is_documented_and_served(backend) {
        let app = spawn_app(backend).await;
        let document = json_body(app.send(app.http.get(format!("{}/api/openapi.json", app.origin()))).await).await;
        let mut documented: Vec<(String, String)> = document["paths"].as_object().into_iter().flatten()
            .flat_map(|(path, item)| item.as_object().into_iter().flatten().map(move |(method, _)| (method.clone(), path.clone())))
            .collect();
        documented.sort();
        let mut expected: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .chain(std::iter::once(("patch".to_owned(), "/api/support/agents/{id}".to_owned()))).collect();
        expected.sort();
        assert_eq!(documented, expected);
        for (method, path) in &documented {
            let url = format!("{}{}", app.origin(), path.replace("{id}", &uuid::Uuid::now_v7().to_string()));
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(reqwest::Method::GET);
            let status = app.send(app.http.request(method.clone(), &url).json(&json!({}))).await.status();
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    }
}

backend_test! {
    async fn a_cursor_holding_control_characters_is_422(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        use base64::Engine;
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("x\u{0}|{}", uuid::Uuid::now_v7()));
        assert_problem(app.get(&agent, &format!("/incidents?cursor={forged}")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

//! `Idempotency-Key` on `POST /incidents`.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn the_same_key_and_body_five_times_open_one_incident_with_five_identical_answers(backend) {
        let app = spawn_app(backend).await;
        let customer = app.user(Role::Customer);
        let body = json!({"subject": "Double charge", "description": "Twice on my card", "category": "billing"});
        let mut answers = Vec::new();
        for _ in 0..5 {
            let response = app.send(app.http.post(app.url("/incidents")).bearer_auth(&customer.token).header("idempotency-key", "order-77-complaint").json(&body)).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            answers.push(response.text().await.unwrap_or_default());
        }
        assert!(answers.windows(2).all(|pair| pair[0] == pair[1]), "{answers:?}");
        let queue = json_body(app.get(&customer, "/incidents").await).await;
        assert_eq!(queue["items"].as_array().map(Vec::len), Some(1));
        // Another caller's same key is another key.
        let other = app.user(Role::Customer);
        let theirs = app.send(app.http.post(app.url("/incidents")).bearer_auth(&other.token).header("idempotency-key", "order-77-complaint").json(&body)).await;
        assert_eq!(theirs.status(), StatusCode::CREATED);
    }
}

backend_test! {
    async fn the_same_key_with_another_body_is_422_and_a_bad_key_is_400(backend) {
        let app = spawn_app(backend).await;
        let customer = app.user(Role::Customer);
        let first = json!({"subject": "A", "description": "a", "category": "other"});
        let second = json!({"subject": "B", "description": "b", "category": "other"});
        let send = |body: serde_json::Value, key: &'static str| app.send(app.http.post(app.url("/incidents")).bearer_auth(&customer.token).header("idempotency-key", key).json(&body));
        assert_eq!(send(first, "k1").await.status(), StatusCode::CREATED);
        assert_problem(send(second, "k1").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let long: &'static str = Box::leak("k".repeat(300).into_boxed_str());
        assert_problem(send(json!({"subject": "C", "description": "c", "category": "other"}), long).await, StatusCode::BAD_REQUEST).await;
        // A request that fails validation frees its key.
        assert_problem(send(json!({"subject": "", "description": "c", "category": "other"}), "k2").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(send(json!({"subject": "D", "description": "d", "category": "other"}), "k2").await.status(), StatusCode::CREATED);
    }
}

backend_test! {
    async fn concurrent_requests_with_one_key_open_one_incident(backend) {
        let app = spawn_app(backend).await;
        let customer = app.user(Role::Customer);
        let body = json!({"subject": "Race", "description": "All at once", "category": "other"});
        let attempts = (0..8).map(|_| app.send(app.http.post(app.url("/incidents")).bearer_auth(&customer.token).header("idempotency-key", "race").json(&body)));
        let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.iter().map(reqwest::Response::status).collect();
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
        assert!(statuses.contains(&StatusCode::CREATED));
        let queue = json_body(app.get(&customer, "/incidents").await).await;
        assert_eq!(queue["items"].as_array().map(Vec::len), Some(1), "{statuses:?}");
    }
}

//! The HTTP edge as identity serves it: content types, limits, unknown routes, request ids,
//! health, metrics, and the OpenAPI document.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

backend_test! {
    async fn malformed_json_is_400_and_a_wrong_content_type_is_415(backend) {
        let app = spawn_app(backend).await;
        let malformed = app.send(app.http.post(app.url("/register")).header("content-type", "application/json").body("{\"email\": ")).await;
        assert_problem(malformed, StatusCode::BAD_REQUEST).await;
        let form = app.send(app.http.post(app.url("/register")).header("content-type", "application/x-www-form-urlencoded").body("email=a@b.co")).await;
        assert_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        let none = app.send(app.http.post(app.url("/login")).body("{}")).await;
        assert_problem(none, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        for content_type in ["application/json; charset=latin1", "application/vnd.api+json"] {
            let other = app.send(app.http.post(app.url("/login")).header("content-type", content_type).body("{}")).await;
            assert_problem(other, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        }
    }
}

backend_test! {
    async fn identitys_answers_are_never_stored_and_none_is_sniffed(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        for response in [app.login(&email, GOOD_PASSWORD).await, app.send(app.http.get(app.url("/jwks.json"))).await] {
            let header = |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
            assert_eq!(header("cache-control").as_deref(), Some("no-store"));
            assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        }
    }
}

backend_test! {
    async fn a_body_over_the_limit_is_413_and_stores_nothing(backend) {
        let app = spawn_app(backend).await;
        let email = unique_email();
        let padding = "x".repeat(1024 * 1024 + 1);
        let body = format!(r#"{{"email":"{email}","password":"{GOOD_PASSWORD}","name":"{padding}"}}"#);
        let response = app.send(app.http.post(app.url("/register")).header("content-type", "application/json").body(body)).await;
        assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert_problem(app.login(&email, GOOD_PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn unknown_routes_are_404_and_wrong_methods_405_as_problems(backend) {
        let app = spawn_app(backend).await;
        assert_problem(app.send(app.http.get(app.url("/nothing-here"))).await, StatusCode::NOT_FOUND).await;
        assert_problem(app.send(app.http.get(app.url("/register"))).await, StatusCode::METHOD_NOT_ALLOWED).await;
    }
}

backend_test! {
    async fn a_request_id_is_propagated_or_generated(backend) {
        let app = spawn_app(backend).await;
        let echoed = app.send(app.http.get(app.url("/jwks.json")).header("x-request-id", "trace-42")).await;
        assert_eq!(echoed.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("trace-42"));
        let generated = app.send(app.http.get(app.url("/jwks.json"))).await;
        let id = generated.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        let hostile = app.send(app.http.get(app.url("/jwks.json")).header("x-request-id", "a".repeat(500))).await;
        let replaced = hostile.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(uuid::Uuid::parse_str(&replaced).is_ok(), "an over-long id must be replaced");
    }
}

backend_test! {
    async fn health_and_metrics_answer(backend) {
        let app = spawn_app(backend).await;
        let live = app.send(app.http.get(format!("{}/health/live", app.origin()))).await;
        assert_eq!(live.status(), StatusCode::OK);
        let ready = app.send(app.http.get(format!("{}/health/ready", app.origin()))).await;
        assert_eq!(ready.status(), StatusCode::OK);
        let ready = json_body(ready).await;
        assert_eq!(ready["checks"][0]["name"], "identity-database");
        assert_eq!(ready["checks"][0]["status"], "up");
        app.login("nobody@example.com", "wrong wrong wrong").await;
        let metrics = app.send(app.http.get(format!("{}/metrics", app.origin()))).await;
        assert_eq!(metrics.status(), StatusCode::OK);
        let text = metrics.text().await.unwrap_or_default();
        assert!(text.contains(r#"tienda_http_requests_total{method="POST",route="/api/identity/login",status="401"} 1"#), "{text}");
        assert!(text.contains("tienda_http_request_duration_seconds_bucket"), "{text}");
    }
}

/// Every route identity serves, as (method, path template).
const ROUTES: [(&str, &str); 12] = [
    ("post", "/api/identity/register"),
    ("post", "/api/identity/service-tokens"),
    ("post", "/api/identity/login"),
    ("post", "/api/identity/refresh"),
    ("post", "/api/identity/logout"),
    ("get", "/api/identity/me"),
    ("put", "/api/identity/me/password"),
    ("get", "/api/identity/users"),
    ("get", "/api/identity/users/{id}"),
    ("patch", "/api/identity/users/{id}"),
    ("delete", "/api/identity/users/{id}"),
    ("get", "/api/identity/jwks.json"),
];

backend_test! {
    async fn every_route_is_documented_and_every_documented_route_is_served(backend) {
        let app = spawn_app(backend).await;
        let document = json_body(app.send(app.http.get(format!("{}/api/openapi.json", app.origin()))).await).await;
        assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m.clone()) {
                documented.push((method, path.clone()));
            }
        }
        documented.sort();
        let mut expected: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        expected.sort();
        assert_eq!(documented, expected);
        // Each documented route answers something other than "no such route" (anonymously:
        // 200, 401 or 422, never 404 or 405).
        for (method, path) in &documented {
            let url = format!("{}{}", app.origin(), path.replace("{id}", &uuid::Uuid::now_v7().to_string()));
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(reqwest::Method::GET);
            let response = app.send(app.http.request(method.clone(), &url).json(&Value::Object(Default::default()))).await;
            let status = response.status();
            assert!(![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status), "{method} {path}: {status}");
        }
        let docs = app.send(app.http.get(format!("{}/api/docs/", app.origin()))).await;
        assert_eq!(docs.status(), StatusCode::OK);
    }
}

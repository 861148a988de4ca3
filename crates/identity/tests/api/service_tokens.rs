//! `POST /service-tokens`: tokens for other Tienda services, against the shared secret.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_service_with_the_secret_gets_a_service_token_that_no_user_can_get(backend) {
        let app = spawn_app(backend).await;
        let response = app.post(Anonymous, "/service-tokens", &json!({"service": "orders", "secret": SERVICE_SECRET})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json_body(response).await;
        assert_eq!(body["token_type"], "Bearer");
        assert!(body["expires_in"].as_u64().is_some_and(|secs| secs > 60));
        let claims = jwt_payload(body["access_token"].as_str().unwrap_or_default());
        assert_eq!(claims["role"], "service");
        assert_eq!(claims["name"], "orders");
        assert_eq!(claims["sub"], uuid::Uuid::nil().to_string());

        // It belongs to no session, so the revocation check does not refuse it.
        let me = app.me(body["access_token"].as_str().unwrap_or_default()).await;
        assert_ne!(me.status(), StatusCode::UNAUTHORIZED);

        // An administrator cannot give a user the service role.
        let admin = app.admin_tokens().await;
        let email = app.new_customer().await;
        let user = json_body(app.login(&email, GOOD_PASSWORD).await).await;
        let id = jwt_payload(user["access_token"].as_str().unwrap_or_default())["sub"].clone();
        let promote = app.send(app.http.patch(app.url(&format!("/users/{}", text(&id)))).bearer_auth(&admin.access).json(&json!({"role": "service"}))).await;
        let problem = assert_problem(promote, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "role").as_deref(), Some("not_a_user_role"));
    }
}

backend_test! {
    async fn a_wrong_secret_or_name_gets_401_and_no_secret_configured_issues_nothing(backend) {
        let app = spawn_app(backend).await;
        for body in [
            json!({"service": "orders", "secret": "guess"}),
            json!({"service": "orders", "secret": ""}),
            json!({"service": "Orders!", "secret": SERVICE_SECRET}),
            json!({"service": "", "secret": SERVICE_SECRET}),
        ] {
            assert_problem(app.post(Anonymous, "/service-tokens", &body).await, StatusCode::UNAUTHORIZED).await;
        }
        let extra = app.post(Anonymous, "/service-tokens", &json!({"service": "orders", "secret": SERVICE_SECRET, "role": "admin"})).await;
        assert_problem(extra, StatusCode::UNPROCESSABLE_ENTITY).await;

        let unconfigured = spawn_app_with(backend, |config| config.service_secret = None).await;
        let response = unconfigured.post(Anonymous, "/service-tokens", &json!({"service": "orders", "secret": SERVICE_SECRET})).await;
        assert_problem(response, StatusCode::UNAUTHORIZED).await;
    }
}

//! `POST /login` and brute-force limits.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_login_returns_a_bearer_pair_with_every_claim(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let response = app.login(&email, GOOD_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json_body(response).await;
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        let refresh = text(&body["refresh_token"]);
        assert!(refresh.len() >= 43, "refresh token too short to be unguessable");
        let access = text(&body["access_token"]);
        let header = jwt_payload(&format!("x.{}", access.split('.').next().unwrap_or_default()));
        assert_eq!(header["alg"], "EdDSA");
        assert!(header["kid"].is_string());
        let claims = jwt_payload(&access);
        assert_eq!(claims["role"], "customer");
        assert_eq!(claims["email"], email.as_str());
        assert_eq!(claims["name"], "Test Customer");
        assert_eq!(claims["iss"], "tienda");
        assert_eq!(claims["aud"], "tienda");
        for claim in ["sub", "sid", "jti"] {
            assert!(uuid::Uuid::parse_str(&text(&claims[claim])).is_ok(), "{claim}");
        }
        let (iat, exp) = (claims["iat"].as_i64(), claims["exp"].as_i64());
        assert_eq!(exp.zip(iat).map(|(exp, iat)| exp - iat), Some(900));
    }
}

backend_test! {
    async fn an_unknown_email_and_a_wrong_password_get_the_same_answer(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let wrong_password = app.login(&email, "not the password at all").await;
        let wrong_headers = wrong_password.headers().get("www-authenticate").cloned();
        let wrong_password = assert_problem(wrong_password, StatusCode::UNAUTHORIZED).await;
        let unknown_email = app.login(&unique_email(), GOOD_PASSWORD).await;
        let unknown_headers = unknown_email.headers().get("www-authenticate").cloned();
        let unknown_email = assert_problem(unknown_email, StatusCode::UNAUTHORIZED).await;
        assert_eq!(wrong_password, unknown_email);
        assert_eq!(wrong_headers, unknown_headers);
    }
}

backend_test! {
    async fn repeated_failures_lock_the_account_with_429_and_retry_after(backend) {
        let app = spawn_app_with(backend, tight_throttle).await;
        let email = app.new_customer().await;
        for _ in 0..3 {
            assert_eq!(app.login(&email, "wrong wrong wrong").await.status(), StatusCode::UNAUTHORIZED);
        }
        // Locked: even the right password is refused until the lock ends.
        let response = app.login(&email, GOOD_PASSWORD).await;
        let retry_after = platform::testing::retry_after(&response);
        assert_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
        assert!(retry_after.is_some_and(|secs| (1..=120).contains(&secs)), "{retry_after:?}");
        // Another account from the same address is not affected.
        let other = app.new_customer().await;
        app.tokens(&other, GOOD_PASSWORD).await;
    }
}

backend_test! {
    async fn an_unknown_email_is_locked_like_a_known_one(backend) {
        let app = spawn_app_with(backend, tight_throttle).await;
        let ghost = unique_email();
        for _ in 0..3 {
            assert_eq!(app.login(&ghost, "guess guess guess").await.status(), StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.login(&ghost, "guess again").await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

backend_test! {
    async fn a_successful_login_resets_the_account_counter(backend) {
        let app = spawn_app_with(backend, tight_throttle).await;
        let email = app.new_customer().await;
        for _ in 0..2 {
            assert_eq!(app.login(&email, "wrong wrong wrong").await.status(), StatusCode::UNAUTHORIZED);
        }
        app.tokens(&email, GOOD_PASSWORD).await;
        for _ in 0..2 {
            assert_eq!(app.login(&email, "wrong wrong wrong").await.status(), StatusCode::UNAUTHORIZED);
        }
        app.tokens(&email, GOOD_PASSWORD).await;
    }
}

backend_test! {
    async fn failures_from_one_address_across_accounts_lock_the_address(backend) {
        let app = spawn_app_with(backend, |config| {
            config.throttle.max_failures_per_account = 100;
            config.throttle.max_failures_per_address = 4;
        }).await;
        let victim = app.new_customer().await;
        for _ in 0..4 {
            assert_eq!(app.login(&unique_email(), "spray spray spray").await.status(), StatusCode::UNAUTHORIZED);
        }
        let response = app.login(&victim, GOOD_PASSWORD).await;
        assert!(response.headers().contains_key("retry-after"));
        assert_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
    }
}

backend_test! {
    async fn concurrent_failures_are_all_counted(backend) {
        let app = spawn_app_with(backend, |config| {
            config.throttle.max_failures_per_account = 6;
        }).await;
        let email = app.new_customer().await;
        let attempts = (0..6).map(|_| app.login(&email, "wrong wrong wrong"));
        for response in futures::future::join_all(attempts).await {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.login(&email, GOOD_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

backend_test! {
    async fn a_login_flood_is_refused_with_retry_after_and_other_routes_keep_answering(backend) {
        let app = spawn_app_with(backend, |config| {
            config.hashing.concurrency = 1;
            config.hashing.queue = 1;
            config.throttle.max_failures_per_address = 10_000;
            config.throttle.max_failures_per_account = 10_000;
        }).await;
        let flood = (0..40).map(|_| app.login("flood@example.com", "wrong wrong wrong"));
        let health = async {
            let mut answers = Vec::new();
            for _ in 0..5 {
                let response = app.send(app.http.get(format!("{}/health/live", app.origin()))).await;
                answers.push(response.status());
            }
            answers
        };
        let (responses, health) = tokio::join!(futures::future::join_all(flood), health);
        assert!(health.iter().all(|status| *status == StatusCode::OK), "{health:?}");
        let mut refused = 0;
        for response in responses {
            match response.status() {
                StatusCode::UNAUTHORIZED => {}
                StatusCode::SERVICE_UNAVAILABLE => {
                    assert!(response.headers().contains_key("retry-after"));
                    refused += 1;
                }
                other => panic!("unexpected {other}"),
            }
        }
        assert!(refused > 0, "no login was refused by the bounded queue");
    }
}

backend_test! {
    async fn malformed_login_bodies_are_refused_before_any_check(backend) {
        let app = spawn_app(backend).await;
        let problem = assert_problem(app.post(Anonymous, "/login", &json!({"email": "a@b.co"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "password").as_deref(), Some("required"));
        // A password longer than any account can have is simply wrong.
        let huge = "x".repeat(10_000);
        assert_problem(app.login("a@b.co", &huge).await, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn control_characters_in_a_login_email_are_just_a_wrong_login(backend) {
        let app = spawn_app(backend).await;
        for email in ["nul\u{0}@example.com", "tab\t@example.com"] {
            assert_problem(app.login(email, GOOD_PASSWORD).await, StatusCode::UNAUTHORIZED).await;
        }
    }
}

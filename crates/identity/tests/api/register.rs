//! `POST /register`.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn registering_creates_a_customer_with_a_normalised_email(backend) {
        let app = spawn_app(backend).await;
        let response = app.register("  Ana.Lopez@Example.COM ", GOOD_PASSWORD, " Ana López ").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = json_body(response).await;
        assert_eq!(body["email"], "ana.lopez@example.com");
        assert_eq!(body["name"], "Ana López");
        assert_eq!(body["role"], "customer");
        let id = text(&body["id"]);
        assert_eq!(uuid::Uuid::parse_str(&id).map(|id| id.get_version_num()).ok(), Some(7));
        assert_eq!(location, Some(format!("/api/identity/users/{id}")));
        assert!(body.get("password").is_none() && body.get("password_hash").is_none());
        // The account works with the address in any case.
        app.tokens("ANA.LOPEZ@example.com", GOOD_PASSWORD).await;
    }
}

backend_test! {
    async fn a_second_registration_of_an_email_is_a_conflict_whatever_its_case(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        for spelling in [email.clone(), format!("  {}  ", email.to_uppercase())] {
            let response = app.register(&spelling, "another quiet harbor", "Someone").await;
            let problem = assert_problem(response, StatusCode::CONFLICT).await;
            assert!(text(&problem["detail"]).contains("already exists"));
        }
        // The first account is untouched: its password still works.
        app.tokens(&email, GOOD_PASSWORD).await;
    }
}

backend_test! {
    async fn concurrent_registrations_of_one_email_create_one_account(backend) {
        let app = spawn_app(backend).await;
        let email = unique_email();
        let attempts = (0..8).map(|_| app.register(&email, GOOD_PASSWORD, "Racer"));
        let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
            .await
            .iter()
            .map(reqwest::Response::status)
            .collect();
        let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let conflicts = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((created, conflicts), (1, 7), "{statuses:?}");
    }
}

backend_test! {
    async fn short_long_and_guessable_passwords_are_refused(backend) {
        let app = spawn_app(backend).await;
        let seven = "k9#Lm2q";
        let long_129: String = "plum violet tractor sundial ".repeat(5).chars().take(129).collect();
        for (password, code) in [
            (seven.to_owned(), "too_short"),
            (long_129, "too_long"),
            ("password123".to_owned(), "weak"),
            ("12345678".to_owned(), "weak"),
            ("qwertyuiop".to_owned(), "weak"),
        ] {
            let response = app.register(&unique_email(), &password, "Weak").await;
            let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(error_code(&problem, "password").as_deref(), Some(code), "{password}");
        }
    }
}

backend_test! {
    async fn a_password_of_exactly_128_characters_is_accepted(backend) {
        let app = spawn_app(backend).await;
        let password: String = "plum violet tractor sundial ".repeat(5).chars().take(128).collect();
        assert_eq!(password.chars().count(), 128);
        let email = unique_email();
        assert_eq!(app.register(&email, &password, "Long").await.status(), StatusCode::CREATED);
        app.tokens(&email, &password).await;
    }
}

backend_test! {
    async fn a_password_built_on_the_users_own_email_is_refused(backend) {
        let app = spawn_app(backend).await;
        let response = app.register("maria.fernandez@example.com", "maria.fernandez", "María").await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "password").as_deref(), Some("weak"));
    }
}

backend_test! {
    async fn every_invalid_field_is_reported_in_one_answer(backend) {
        let app = spawn_app(backend).await;
        let response = app.register("not-an-email", "short", "   ").await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["email", "name", "password"]);
        let long_name = "n".repeat(101);
        let response = app.register(&unique_email(), GOOD_PASSWORD, &long_name).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["name"]);
    }
}

backend_test! {
    async fn a_client_cannot_choose_its_role_or_id(backend) {
        let app = spawn_app(backend).await;
        for extra in [json!({"role": "admin"}), json!({"id": uuid::Uuid::now_v7()})] {
            let mut body = json!({"email": unique_email(), "password": GOOD_PASSWORD, "name": "Mallory"});
            if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
                body.extend(extra.clone());
            }
            let problem = assert_problem(app.post(Anonymous, "/register", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(error_code(&problem, &error_fields(&problem)[0]).as_deref(), Some("unknown_field"));
        }
    }
}

backend_test! {
    async fn missing_and_mistyped_fields_are_named(backend) {
        let app = spawn_app(backend).await;
        let problem = assert_problem(
            app.post(Anonymous, "/register", &json!({"email": unique_email(), "name": "No Password"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ).await;
        assert_eq!(error_code(&problem, "password").as_deref(), Some("required"));
        let problem = assert_problem(
            app.post(Anonymous, "/register", &json!({"email": 42, "password": GOOD_PASSWORD, "name": "N"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ).await;
        assert_eq!(error_code(&problem, "email").as_deref(), Some("invalid"));
    }
}

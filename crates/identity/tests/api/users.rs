//! `GET /users`, `GET /users/{id}`, `PATCH /users/{id}`: administrators only.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn user_id(app: &TestApp, access: &str) -> String {
    text(&json_body(app.me(access).await).await["id"])
}

backend_test! {
    async fn customers_sellers_and_agents_get_403_on_admin_routes(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let customer = app.customer_tokens().await;
        let target = user_id(&app, &customer.access).await;
        for role in ["customer", "seller", "agent"] {
            let email = app.new_customer().await;
            let tokens = app.tokens(&email, GOOD_PASSWORD).await;
            let id = user_id(&app, &tokens.access).await;
            if role != "customer" {
                let response = app.send(app.http.patch(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access).json(&json!({"role": role}))).await;
                assert_eq!(response.status(), StatusCode::OK);
            }
            let tokens = app.tokens(&email, GOOD_PASSWORD).await;
            assert_eq!(jwt_payload(&tokens.access)["role"], role);
            assert_problem(app.get(&tokens.access, "/users").await, StatusCode::FORBIDDEN).await;
            assert_problem(app.get(&tokens.access, &format!("/users/{target}")).await, StatusCode::FORBIDDEN).await;
            let promote = app.send(app.http.patch(app.url(&format!("/users/{id}"))).bearer_auth(&tokens.access).json(&json!({"role": "admin"}))).await;
            assert_problem(promote, StatusCode::FORBIDDEN).await;
        }
        let anonymous = app.send(app.http.get(app.url("/users"))).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn an_admin_walks_every_user_exactly_once_in_pages(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let mut expected = vec![ADMIN_EMAIL.to_owned()];
        for _ in 0..5 {
            expected.push(app.new_customer().await);
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/users?limit=2&cursor={cursor}"),
                None => "/users?limit=2".to_owned(),
            };
            let response = app.get(&admin.access, &path).await;
            assert_eq!(response.status(), StatusCode::OK);
            let page = json_body(response).await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            assert!(items.len() <= 2);
            seen.extend(items.iter().map(|user| text(&user["email"])));
            pages += 1;
            // A user registered mid-walk is seen too (keyset paging: ids grow).
            if pages == 2 {
                expected.push(app.new_customer().await);
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
    }
}

backend_test! {
    async fn an_admin_filters_users_by_role_and_email(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let email = app.new_customer().await;
        let admins = json_body(app.get(&admin.access, "/users?role=admin").await).await;
        let emails: Vec<String> = admins["items"].as_array().into_iter().flatten().map(|u| text(&u["email"])).collect();
        assert_eq!(emails, [ADMIN_EMAIL]);
        let fragment = &email[9..20].to_uppercase();
        let found = json_body(app.get(&admin.access, &format!("/users?email={fragment}")).await).await;
        let emails: Vec<String> = found["items"].as_array().into_iter().flatten().map(|u| text(&u["email"])).collect();
        assert_eq!(emails, std::slice::from_ref(&email));
        // LIKE wildcards are literal.
        let none = json_body(app.get(&admin.access, "/users?email=%25").await).await;
        assert_eq!(none["items"], json!([]));
        for bad in ["/users?limit=0", "/users?limit=101", "/users?limit=x", "/users?cursor=zzz", "/users?role=root"] {
            assert_problem(app.get(&admin.access, bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
}

backend_test! {
    async fn a_role_change_ends_the_users_sessions_and_applies_at_next_login(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let email = app.new_customer().await;
        let before = app.tokens(&email, GOOD_PASSWORD).await;
        let id = user_id(&app, &before.access).await;
        let response = app.send(app.http.patch(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access).json(&json!({"role": "agent"}))).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(json_body(response).await["role"], "agent");
        assert_problem(app.me(&before.access).await, StatusCode::UNAUTHORIZED).await;
        let after = app.tokens(&email, GOOD_PASSWORD).await;
        assert_eq!(jwt_payload(&after.access)["role"], "agent");
        let shown = json_body(app.get(&admin.access, &format!("/users/{id}")).await).await;
        assert_eq!(shown["role"], "agent");
    }
}

backend_test! {
    async fn bad_role_changes_are_refused_and_change_nothing(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let customer = app.customer_tokens().await;
        let id = user_id(&app, &customer.access).await;
        let patch = |path: String, body: Value| app.send(app.http.patch(app.url(&path)).bearer_auth(&admin.access).json(&body));
        assert_problem(patch(format!("/users/{id}"), json!({"role": "root"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_problem(patch(format!("/users/{id}"), json!({"role": "agent", "email": "x@y.z"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_problem(patch(format!("/users/{}", uuid::Uuid::now_v7()), json!({"role": "agent"})).await, StatusCode::NOT_FOUND).await;
        assert_problem(patch("/users/not-a-uuid".to_owned(), json!({"role": "agent"})).await, StatusCode::NOT_FOUND).await;
        assert_eq!(app.me(&customer.access).await.status(), StatusCode::OK, "a refused change must not end sessions");
        let shown = json_body(app.get(&admin.access, &format!("/users/{id}")).await).await;
        assert_eq!(shown["role"], "customer");
    }
}

backend_test! {
    async fn the_last_administrator_cannot_lose_the_role(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let admin_id = user_id(&app, &admin.access).await;
        let demote = app.send(app.http.patch(app.url(&format!("/users/{admin_id}"))).bearer_auth(&admin.access).json(&json!({"role": "customer"}))).await;
        assert_problem(demote, StatusCode::CONFLICT).await;
        assert_eq!(app.me(&admin.access).await.status(), StatusCode::OK);
        // With a second administrator, the first may step down.
        let email = app.new_customer().await;
        let other = app.tokens(&email, GOOD_PASSWORD).await;
        let other_id = user_id(&app, &other.access).await;
        let promote = app.send(app.http.patch(app.url(&format!("/users/{other_id}"))).bearer_auth(&admin.access).json(&json!({"role": "admin"}))).await;
        assert_eq!(promote.status(), StatusCode::OK);
        let demote = app.send(app.http.patch(app.url(&format!("/users/{admin_id}"))).bearer_auth(&admin.access).json(&json!({"role": "customer"}))).await;
        assert_eq!(demote.status(), StatusCode::OK);
    }
}

backend_test! {
    async fn control_characters_in_a_filter_or_cursor_are_422(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        assert_problem(app.get(&admin.access, "/users?email=a%00b").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        // A cursor that decodes to text with a NUL in it.
        assert_problem(app.get(&admin.access, "/users?cursor=AA").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

backend_test! {
    async fn an_admin_deletes_a_user_whose_sessions_end_and_who_cannot_sign_in_again(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let email = app.new_customer().await;
        let tokens = app.tokens(&email, GOOD_PASSWORD).await;
        let id = user_id(&app, &tokens.access).await;
        // The user itself, and a customer, may not.
        for token in [&tokens.access] {
            let response = app.send(app.http.delete(app.url(&format!("/users/{id}"))).bearer_auth(token)).await;
            assert_problem(response, StatusCode::FORBIDDEN).await;
        }
        let response = app.send(app.http.delete(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_problem(app.me(&tokens.access).await, StatusCode::UNAUTHORIZED).await;
        let login = app.post(Anonymous, "/login", &json!({"email": email, "password": GOOD_PASSWORD})).await;
        assert_problem(login, StatusCode::UNAUTHORIZED).await;
        let again = app.send(app.http.delete(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access)).await;
        assert_problem(again, StatusCode::NOT_FOUND).await;
        let unknown = app.send(app.http.delete(app.url("/users/not-a-uuid")).bearer_auth(&admin.access)).await;
        assert_problem(unknown, StatusCode::NOT_FOUND).await;
        // The email is free again.
        assert_eq!(app.register(&email, GOOD_PASSWORD, "Back Again").await.status(), StatusCode::CREATED);
    }
}

backend_test! {
    async fn an_admin_cannot_delete_their_own_account_nor_the_last_admin(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let own = user_id(&app, &admin.access).await;
        let response = app.send(app.http.delete(app.url(&format!("/users/{own}"))).bearer_auth(&admin.access)).await;
        assert_problem(response, StatusCode::CONFLICT).await;
        assert_eq!(app.me(&admin.access).await.status(), StatusCode::OK);
    }
}

backend_test! {
    async fn registration_role_change_and_deletion_are_published_in_order(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin_tokens().await;
        let email = app.new_customer().await;
        let tokens = app.tokens(&email, GOOD_PASSWORD).await;
        let id = user_id(&app, &tokens.access).await;
        let promote = app.send(app.http.patch(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access).json(&json!({"role": "agent"}))).await;
        assert_eq!(promote.status(), StatusCode::OK);
        // A refused change publishes nothing.
        let bad = app.send(app.http.patch(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access).json(&json!({"role": "emperor"}))).await;
        assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
        let delete = app.send(app.http.delete(app.url(&format!("/users/{id}"))).bearer_auth(&admin.access)).await;
        assert_eq!(delete.status(), StatusCode::NO_CONTENT);
        let published = app.published().await;
        let about_user: Vec<&(String, Value)> =
            published.iter().filter(|(_, data)| data["user_id"] == id.as_str()).collect();
        let kinds: Vec<&str> = about_user.iter().map(|(kind, _)| kind.as_str()).collect();
        assert_eq!(kinds, [
            "tienda.identity.user.registered.v1",
            "tienda.identity.sessions.revoked.v1",
            "tienda.identity.user.role_changed.v1",
            "tienda.identity.user.deleted.v1",
        ]);
        // The role change ended the user's one session; the deletion found none left.
        assert_eq!(about_user[1].1["reason"], "role changed");
        assert_eq!(about_user[1].1["session_ids"].as_array().map(Vec::len), Some(1));
        assert_eq!(about_user[0].1["email"], email.as_str());
        assert_eq!(about_user[0].1["role"], "customer");
        assert_eq!(about_user[2].1["previous_role"], "customer");
        assert_eq!(about_user[2].1["role"], "agent");
        // The first administrator was announced too.
        assert_eq!(published[0].0, "tienda.identity.user.registered.v1");
        assert_eq!(published[0].1["role"], "admin");
    }
}

backend_test! {
    async fn an_event_carries_the_request_id_of_the_request_that_caused_it(backend) {
        let app = spawn_app(backend).await;
        let email = unique_email();
        let response = app.send(
            app.http.post(app.url("/register")).header("x-request-id", "trace-4711")
                .json(&json!({"email": email, "password": GOOD_PASSWORD, "name": "Traced"})),
        ).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let envelopes = app.published_envelopes().await;
        let registered = envelopes.iter().find(|envelope| envelope.data["email"] == email.as_str());
        let registered = registered.unwrap_or_else(|| panic!("no event for the registration"));
        assert_eq!(registered.requestid.as_deref(), Some("trace-4711"));
        assert_eq!(registered.source, "/tienda/identity");
        assert_eq!(registered.subject, text(&registered.data["user_id"]));
    }
}

backend_test! {
    async fn an_existing_account_with_the_configured_email_becomes_the_first_administrator(backend) {
        use identity::app::hashing::HashingConfig;
        use identity::app::keys::KeyFile;
        use identity::config::{Config, FirstAdmin, TokenConfig};
        use identity::domain::throttle::ThrottlePolicy;
        use platform::testing::{TestDatabase, events::memory_bus, serve};

        let database = TestDatabase::new(backend).await;
        let keys = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let config = |first_admin| Config {
            database: database.config.clone(),
            key_file: KeyFile { path: keys.path().join("key.pem"), create_if_missing: true },
            tokens: TokenConfig::default(),
            throttle: ThrottlePolicy::default(),
            hashing: HashingConfig::default(),
            first_admin,
            service_secret: None,
        };
        let bus = memory_bus();
        // A shop started without an administrator, where a customer registers...
        let first = identity::build(config(FirstAdmin::None), &bus).await.unwrap_or_else(|error| panic!("{error:#}"));
        let (client, tasks) = serve(vec![first.service], identity::PREFIX).await;
        let email = unique_email();
        let registered = client.post(Anonymous, "/register", &json!({"email": email, "password": GOOD_PASSWORD, "name": "Owner"})).await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        drop(tasks);
        // ...then restarted with that email as the administrator's: the account is promoted,
        // with the configured password (on PostgreSQL too, where the failed insert ends its
        // transaction).
        let second = identity::build(config(FirstAdmin::Configured { email: email.clone(), password: ADMIN_PASSWORD.to_owned().into() }), &bus)
            .await
            .unwrap_or_else(|error| panic!("{error:#}"));
        let (client, _tasks) = serve(vec![second.service], identity::PREFIX).await;
        let login = client.post(Anonymous, "/login", &json!({"email": email, "password": ADMIN_PASSWORD})).await;
        assert_eq!(login.status(), StatusCode::OK);
        let access = text(&json_body(login).await["access_token"]);
        assert_eq!(jwt_payload(&access)["role"], "admin");
    }
}

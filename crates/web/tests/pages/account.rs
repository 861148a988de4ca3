//! Signing in and out, the language, my data, my services.

use platform::backend_test;
use reqwest::{Method, StatusCode};

use crate::support::{PASSWORD, spawn_shop};

backend_test! {
    async fn a_wrong_password_is_explained_and_a_right_one_signs_in_and_goes_on(backend) {
        let shop = spawn_shop(backend).await;
        let first = shop.visitor();
        let email = first.register("Ana Pérez").await;
        let visitor = shop.visitor();
        let login = visitor.get("/login?next=/account/orders").await;
        let wrong = visitor
            .post("/login", &login.csrf(), &[("email", &email), ("password", "not it at all"), ("next", "/account/orders")])
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        wrong.assert_says("The email or the password is wrong.");
        assert_eq!(wrong.field("email").as_deref(), Some(email.as_str()), "the email stays");
        let right = visitor
            .post("/login", &login.csrf(), &[("email", &email), ("password", PASSWORD), ("next", "/account/orders")])
            .await;
        assert_eq!(right.status, StatusCode::SEE_OTHER);
        assert_eq!(right.location(), "/account/orders");
        let cookie = right.headers["set-cookie"].to_str().unwrap_or_default().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let orders = visitor.get("/account/orders").await;
        assert_eq!(orders.status, StatusCode::OK);
        orders.assert_says("Welcome back, Ana Pérez.");

        // Signing in gave the session a new id, and so a new CSRF token.
        let csrf = visitor.csrf().await;
        assert_ne!(csrf, login.csrf());
        let elsewhere = visitor
            .post("/login", &csrf, &[("email", &email), ("password", PASSWORD), ("next", "https://evil.example/")])
            .await;
        assert_eq!(elsewhere.location(), "/", "never sent to another site");
    }
}

backend_test! {
    async fn registering_twice_with_one_email_says_so(backend) {
        let shop = spawn_shop(backend).await;
        let email = shop.visitor().register("Ana Pérez").await;
        let visitor = shop.visitor();
        let page = visitor.get("/register").await;
        let again = visitor
            .post("/register", &page.csrf(), &[("name", "Ana"), ("email", &email), ("password", PASSWORD)])
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        again.assert_says("An account with this email already exists.");
        let weak = visitor
            .post("/register", &page.csrf(), &[("name", "Bo"), ("email", "bo@example.com"), ("password", "short")])
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.html.contains(r#"id="password-error""#), "{}", weak.html);
    }
}

backend_test! {
    async fn signing_out_ends_the_session_here_and_in_identity(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        visitor.register("Ana Pérez").await;
        let account = visitor.get("/account").await;
        assert_eq!(account.status, StatusCode::OK);
        let out = visitor.post("/logout", &account.csrf(), &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let after = visitor.get("/account").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out: to the sign-in page");
        assert!(after.location().starts_with("/login"));
    }
}

backend_test! {
    async fn pages_of_a_signed_in_person_ask_a_visitor_to_sign_in(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        for path in ["/account", "/account/orders", "/account/incidents", "/account/services", "/account/incidents/new", "/account/export"] {
            let page = visitor.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            let next = path.replace('/', "%2F");
            assert_eq!(page.location(), format!("/login?next={next}"), "{path}");
        }
    }
}

backend_test! {
    async fn my_data_changes_with_the_version_and_a_stale_form_is_explained(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        visitor.register("Ana Pérez").await;
        let page = visitor.get("/account").await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("My data");
        let version = page.field("version").unwrap_or_default();
        for field in ["given_name", "family_name", "phone", "line1", "city", "postal_code", "country", "current_password", "new_password"] {
            assert!(page.html.contains(&format!("name=\"{field}\"")), "the page has {field}");
        }
        let saved = visitor
            .post("/account/profile", &page.csrf(), &[("version", &version), ("given_name", "Ana María"), ("family_name", "Pérez"), ("phone", "+34 600 000 000")])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let page = visitor.get("/account").await;
        page.assert_says("Saved.");
        assert_eq!(page.field("given_name").as_deref(), Some("Ana María"));

        let stale = visitor
            .post("/account/profile", &page.csrf(), &[("version", &version), ("given_name", "Old"), ("family_name", "Form")])
            .await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        stale.assert_says("Your data changed in another window");
        assert_eq!(stale.field("given_name").as_deref(), Some("Ana María"), "the record as it is now");

        let version = stale.field("version").unwrap_or_default();
        let address = visitor
            .post("/account/addresses", &page.csrf(), &[("version", &version), ("line1", "Calle Mayor 1"), ("city", "Madrid"), ("postal_code", "28013"), ("country", "ES")])
            .await;
        assert_eq!(address.status, StatusCode::SEE_OTHER, "{}", address.html);
        let page = visitor.get("/account").await;
        page.assert_says("Calle Mayor 1, 28013 Madrid, ES");

        let bad = visitor
            .post("/account/addresses", &page.csrf(), &[("version", &page.field("version").unwrap_or_default()), ("line1", "x"), ("city", "Madrid"), ("postal_code", "1"), ("country", "Spain")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("aria-invalid=\"true\""));
        assert_eq!(bad.field("line1").as_deref(), Some("x"), "the values given stay");

        let password = visitor
            .post("/account/password", &page.csrf(), &[("current_password", "not my password"), ("new_password", "a brand new long phrase")])
            .await;
        assert_eq!(password.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(password.html.contains(r#"id="current_password-error""#));

        let export = visitor.get("/account/export").await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(export.headers["content-disposition"].to_str().unwrap_or_default().starts_with("attachment"));
        let document: serde_json::Value = serde_json::from_str(&export.html).unwrap_or_else(|e| panic!("{e}"));
        assert!(document.to_string().contains("Calle Mayor 1"));
    }
}

backend_test! {
    async fn my_services_show_their_history(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        let email = visitor.register("Ana Pérez").await;
        let empty = visitor.get("/account/services").await;
        assert_eq!(empty.status, StatusCode::OK);
        empty.assert_says("You have no contracted services.");

        let admin = shop.api_login(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD).await;
        let (_, found) = shop.api(Method::GET, &admin, &format!("/api/customers?q={email}"), None).await;
        let customer = found["items"][0]["id"].as_str().unwrap_or_else(|| panic!("{found}")).to_owned();
        let (status, service) = shop
            .api(Method::POST, &admin, &format!("/api/customers/{customer}/services"), Some(serde_json::json!({"name": "Fibre 600", "started_on": "2026-01-15"})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{service}");
        let id = service["id"].as_str().unwrap_or_default().to_owned();
        let (status, _) = shop
            .api(Method::PATCH, &admin, &format!("/api/customers/{customer}/services/{id}"), Some(serde_json::json!({"status": "suspended"})))
            .await;
        assert_eq!(status, StatusCode::OK);
        let page = visitor.get("/account/services").await;
        page.assert_says("Fibre 600");
        page.assert_says("Suspended");
        assert_eq!(page.html.matches("UTC: ").count(), 2, "the history:\n{}", page.html);
        page.assert_says("since Jan 15, 2026");
    }
}

backend_test! {
    async fn the_spanish_site_speaks_spanish_and_writes_money_the_spanish_way(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor().speaking("es-ES,es;q=0.9");
        let page = visitor.get(&format!("/products/{book}")).await;
        assert!(page.html.contains(r#"<html lang="es">"#));
        page.assert_says("Añadir al carrito");
        page.assert_says("8,99\u{a0}€");

        // The switcher wins over the header, and stays in the session.
        let english = visitor
            .post("/language", &page.csrf(), &[("lang", "en"), ("next", &format!("/products/{book}"))])
            .await;
        assert_eq!(english.status, StatusCode::SEE_OTHER);
        assert_eq!(english.location(), format!("/products/{book}"));
        let page = visitor.get("/").await;
        page.assert_says("Shop by category");
        let bad = visitor.post("/language", &page.csrf(), &[("lang", "fr")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}

backend_test! {
    async fn failed_sign_ins_through_the_site_count_against_the_visitors_address(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        let csrf = visitor.csrf().await;
        // Identity locks a client address after 20 failures in its window, whatever the
        // accounts: the site passes its visitor's address along, so the lock is the visitor's.
        let mut last = None;
        for n in 0..21 {
            let email = format!("nobody-{n}@example.com");
            let page = visitor
                .post("/login", &csrf, &[("email", &email), ("password", "wrong guess")])
                .await;
            last = Some(page);
        }
        let Some(last) = last else { panic!("no attempt made") };
        last.assert_says("Too many attempts.");
    }
}

//! Access tokens, refresh rotation, logout, password changes, and forged tokens.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

backend_test! {
    async fn me_answers_the_user_of_the_token_and_401_without_one(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let tokens = app.tokens(&email, GOOD_PASSWORD).await;
        let response = app.me(&tokens.access).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json_body(response).await;
        assert_eq!(body["email"], email.as_str());
        assert_eq!(body["role"], "customer");
        let anonymous = app.send(app.http.get(app.url("/me"))).await;
        assert_eq!(
            anonymous.headers().get("www-authenticate").and_then(|v| v.to_str().ok()),
            Some("Bearer")
        );
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
        let basic = app.send(app.http.get(app.url("/me")).basic_auth(&email, Some(GOOD_PASSWORD))).await;
        assert_problem(basic, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn logout_ends_the_access_token_and_the_refresh_token_at_once(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let tokens = app.tokens(&email, GOOD_PASSWORD).await;
        let other = app.tokens(&email, GOOD_PASSWORD).await;
        let response = app.send(app.http.post(app.url("/logout")).bearer_auth(&tokens.access)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_problem(app.me(&tokens.access).await, StatusCode::UNAUTHORIZED).await;
        let refreshed = app.post(Anonymous, "/refresh", &json!({"refresh_token": tokens.refresh})).await;
        assert_problem(refreshed, StatusCode::UNAUTHORIZED).await;
        // Only that session ended.
        assert_eq!(app.me(&other.access).await.status(), StatusCode::OK);
        // Logging out twice is refused: the token is dead.
        let again = app.send(app.http.post(app.url("/logout")).bearer_auth(&tokens.access)).await;
        assert_problem(again, StatusCode::UNAUTHORIZED).await;
        // The other services hear of it, once, about that session only.
        assert_eq!(revoked(&app).await, vec![(vec![session_of(&tokens.access)], "logout".to_owned())]);
    }
}

/// The `sid` claim of an access token.
fn session_of(token: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap_or_default();
    let claims: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    claims["sid"].as_str().unwrap_or_default().to_owned()
}

/// The `sessions.revoked` events published: their session ids and reasons.
async fn revoked(app: &TestApp) -> Vec<(Vec<String>, String)> {
    app.published()
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "tienda.identity.sessions.revoked.v1")
        .map(|(_, data)| {
            let sessions = data["session_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|id| id.as_str().unwrap_or_default().to_owned())
                .collect();
            (
                sessions,
                data["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

backend_test! {
    async fn a_refresh_rotates_and_a_reused_token_ends_the_session(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let first = app.tokens(&email, GOOD_PASSWORD).await;
        let response = app.post(Anonymous, "/refresh", &json!({"refresh_token": first.refresh})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let second = json_body(response).await;
        let second_refresh = text(&second["refresh_token"]);
        let second_access = text(&second["access_token"]);
        assert_ne!(second_refresh, first.refresh);
        assert_eq!(app.me(&second_access).await.status(), StatusCode::OK);
        assert_eq!(jwt_payload(&second_access)["sid"], jwt_payload(&first.access)["sid"]);
        // The first refresh token again: theft is assumed, the session ends.
        let reused = app.post(Anonymous, "/refresh", &json!({"refresh_token": first.refresh})).await;
        let problem = assert_problem(reused, StatusCode::UNAUTHORIZED).await;
        assert!(text(&problem["detail"]).contains("already used"));
        assert_problem(app.me(&second_access).await, StatusCode::UNAUTHORIZED).await;
        assert_problem(app.post(Anonymous, "/refresh", &json!({"refresh_token": second_refresh})).await, StatusCode::UNAUTHORIZED).await;
        // Logging in again works.
        app.tokens(&email, GOOD_PASSWORD).await;
    }
}

backend_test! {
    async fn concurrent_refreshes_of_one_token_yield_at_most_one_pair(backend) {
        let app = spawn_app(backend).await;
        let tokens = app.customer_tokens().await;
        let body = json!({"refresh_token": tokens.refresh});
        let attempts = (0..6).map(|_| app.post(Anonymous, "/refresh", &body));
        let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.iter().map(reqwest::Response::status).collect();
        let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert!(ok <= 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    }
}

backend_test! {
    async fn unknown_and_malformed_refresh_tokens_are_401_or_422(backend) {
        let app = spawn_app(backend).await;
        assert_problem(app.post(Anonymous, "/refresh", &json!({"refresh_token": "made-up"})).await, StatusCode::UNAUTHORIZED).await;
        assert_problem(app.post(Anonymous, "/refresh", &json!({"refresh_token": ""})).await, StatusCode::UNAUTHORIZED).await;
        assert_problem(app.post(Anonymous, "/refresh", &json!({"token": "x"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

backend_test! {
    async fn a_password_change_ends_the_other_sessions_only(backend) {
        let app = spawn_app(backend).await;
        let email = app.new_customer().await;
        let here = app.tokens(&email, GOOD_PASSWORD).await;
        let elsewhere = app.tokens(&email, GOOD_PASSWORD).await;
        let new_password = "marble pelican orbit 77";
        let change = |current: &str, new: &str| {
            app.send(app.http.put(app.url("/me/password")).bearer_auth(&here.access)
                .json(&json!({"current_password": current, "new_password": new})))
        };
        let wrong = assert_problem(change("not my password", new_password).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&wrong, "current_password").as_deref(), Some("incorrect"));
        let weak = assert_problem(change(GOOD_PASSWORD, "password1").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&weak, "new_password").as_deref(), Some("weak"));
        // Nothing changed yet.
        assert_eq!(app.me(&elsewhere.access).await.status(), StatusCode::OK);
        assert_eq!(change(GOOD_PASSWORD, new_password).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.me(&here.access).await.status(), StatusCode::OK);
        assert_problem(app.me(&elsewhere.access).await, StatusCode::UNAUTHORIZED).await;
        assert_problem(app.post(Anonymous, "/refresh", &json!({"refresh_token": elsewhere.refresh})).await, StatusCode::UNAUTHORIZED).await;
        assert_problem(app.login(&email, GOOD_PASSWORD).await, StatusCode::UNAUTHORIZED).await;
        app.tokens(&email, new_password).await;
        assert_eq!(
            revoked(&app).await,
            vec![(vec![session_of(&elsewhere.access)], "password changed".to_owned())],
            "the other services must end the other session, and only it"
        );
    }
}

backend_test! {
    async fn wrong_current_passwords_lock_the_password_change(backend) {
        let app = spawn_app_with(backend, tight_throttle).await;
        let tokens = app.customer_tokens().await;
        let change = || {
            app.send(app.http.put(app.url("/me/password")).bearer_auth(&tokens.access)
                .json(&json!({"current_password": "guessing guessing", "new_password": "marble pelican orbit 77"})))
        };
        for _ in 0..3 {
            assert_eq!(change().await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(change().await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

/// Signs `claims` with the service's real key, under `kid`.
fn sign_with_real_key(app: &TestApp, claims: &Value, kid: &str) -> String {
    let pem = std::fs::read(&app.key_path)
        .unwrap_or_else(|error| panic!("cannot read the signing key: {error}"));
    let Ok(key) = EncodingKey::from_ed_pem(&pem) else {
        panic!("cannot read the signing key")
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key)
        .unwrap_or_else(|error| panic!("cannot sign: {error}"))
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

backend_test! {
    async fn forged_and_altered_tokens_are_refused(backend) {
        let app = spawn_app(backend).await;
        let tokens = app.customer_tokens().await;
        let claims = jwt_payload(&tokens.access);
        let jwks = json_body(app.send(app.http.get(app.url("/jwks.json"))).await).await;
        let jwk = &jwks["keys"][0];
        assert_eq!((jwk["kty"].as_str(), jwk["crv"].as_str(), jwk["alg"].as_str()), (Some("OKP"), Some("Ed25519"), Some("EdDSA")));
        let kid = text(&jwk["kid"]);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut attacks: Vec<(&str, String)> = Vec::new();

        // alg: none, with and without a signature.
        let mut admin_claims = claims.clone();
        admin_claims["role"] = json!("admin");
        let none = format!("{}.{}", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&admin_claims));
        attacks.push(("alg none", format!("{none}.")));
        attacks.push(("alg none without a dot", none));

        // The payload changed to admin, the signature kept.
        let parts: Vec<&str> = tokens.access.split('.').collect();
        attacks.push(("payload swapped", format!("{}.{}.{}", parts[0], b64(&admin_claims), parts[2])));
        // A flipped signature.
        let mut signature = parts[2].to_owned();
        let flipped = if signature.ends_with('A') { 'B' } else { 'A' };
        signature.pop();
        signature.push(flipped);
        attacks.push(("signature tampered", format!("{}.{}.{}", parts[0], parts[1], signature)));

        // HS256 with the public key as the HMAC secret (key confusion), as raw bytes and as text.
        use base64::Engine;
        let public = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text(&jwk["x"])).unwrap_or_else(|error| panic!("bad JWK x: {error}"));
        for (what, secret) in [("HS256 with the raw public key", public), ("HS256 with the JWK text", jwks.to_string().into_bytes())] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(kid.clone());
            let forged = jsonwebtoken::encode(&header, &admin_claims, &EncodingKey::from_secret(&secret))
                .unwrap_or_else(|error| panic!("cannot forge {what}: {error}"));
            attacks.push((what, forged));
        }

        // Signed by another Ed25519 key that claims the real kid.
        let other_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"));
        let other_path = other_dir.path().join("other.pem");
        let made = identity::app::keys::TokenSigner::load(
            &identity::app::keys::KeyFile { path: other_path.clone(), create_if_missing: true },
            "tienda", "tienda", std::time::Duration::from_secs(60),
        );
        assert!(made.is_ok(), "cannot make another key");
        let pem = std::fs::read(&other_path).unwrap_or_else(|error| panic!("cannot read the other key: {error}"));
        let Ok(other_key) = EncodingKey::from_ed_pem(&pem) else { panic!("cannot read the other key") };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.clone());
        let forged = jsonwebtoken::encode(&header, &admin_claims, &other_key)
            .unwrap_or_else(|error| panic!("cannot sign with the other key: {error}"));
        attacks.push(("another key, same kid", forged));

        // Real key, bad claims.
        let with = |change: &dyn Fn(&mut Value)| { let mut c = claims.clone(); change(&mut c); c };
        attacks.push(("expired an hour ago", sign_with_real_key(&app, &with(&|c| { c["iat"] = json!(now - 7200); c["exp"] = json!(now - 3600); }), &kid)));
        attacks.push(("wrong audience", sign_with_real_key(&app, &with(&|c| c["aud"] = json!("someone-else")), &kid)));
        attacks.push(("wrong issuer", sign_with_real_key(&app, &with(&|c| c["iss"] = json!("evil")), &kid)));
        attacks.push(("no exp", sign_with_real_key(&app, &with(&|c| { if let Some(o) = c.as_object_mut() { o.remove("exp"); } }), &kid)));
        attacks.push(("unknown kid", sign_with_real_key(&app, &claims, "not-a-key")));
        // Validly signed, but not as identity issues them: from the future, or for ten years.
        attacks.push(("issued an hour from now", sign_with_real_key(&app, &with(&|c| { c["iat"] = json!(now + 3600); c["exp"] = json!(now + 3600 + 900); }), &kid)));
        attacks.push(("not valid before an hour from now", sign_with_real_key(&app, &with(&|c| c["nbf"] = json!(now + 3600)), &kid)));
        attacks.push(("a ten-year lifetime", sign_with_real_key(&app, &with(&|c| { c["iat"] = json!(now); c["exp"] = json!(now + 10 * 365 * 24 * 3600); }), &kid)));
        attacks.push(("garbage", "not.a.jwt".to_owned()));

        // The control: the real key with the real claims passes, so the attacks fail for their flaw.
        let control = sign_with_real_key(&app, &claims, &kid);
        assert_eq!(app.me(&control).await.status(), StatusCode::OK, "the control token must pass");

        for (attack, token) in attacks {
            assert!(!token.is_empty(), "the {attack} token was not built");
            let response = app.me(&token).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{attack} was accepted");
        }
    }
}

//! How a service other than identity verifies tokens in the distributed mode: from identity's
//! JWKS over HTTP, with the algorithm, issuer and audience pinned.

use platform::auth::TokenVerifier;
use platform::testing::spawn_router;
use serde_json::json;
use tienda::Settings;

async fn identity_and_a_token() -> anyhow::Result<(tempfile::TempDir, String, String)> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        ..Settings::default()
    };
    let built = tienda::build_embedded(&settings).await?;
    let address = spawn_router(built.app.router()).await;
    let base = format!("http://{address}/api/identity");
    let client = reqwest::Client::new();
    client
        .post(format!("{base}/register"))
        .json(&json!({"email": "remote@example.com", "password": "copper meadow lantern", "name": "R"}))
        .send()
        .await?
        .error_for_status()?;
    let pair: serde_json::Value = client
        .post(format!("{base}/login"))
        .json(&json!({"email": "remote@example.com", "password": "copper meadow lantern"}))
        .send()
        .await?
        .json()
        .await?;
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    Ok((dir, base, token))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_verifier_accepts_identitys_tokens_from_its_jwks() -> anyhow::Result<()> {
    let (_dir, base, token) = identity_and_a_token().await?;
    let verifier = TokenVerifier::remote(format!("{base}/jwks.json"), "tienda", "tienda");
    let claims = verifier.verify(&token).await?;
    assert_eq!(claims.role, contracts::auth::Role::Customer);
    let other_audience =
        TokenVerifier::remote(format!("{base}/jwks.json"), "tienda", "catalog-only");
    assert!(other_audience.verify(&token).await.is_err());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_identity_is_503_not_401() -> anyhow::Result<()> {
    let (_dir, _base, token) = identity_and_a_token().await?;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let verifier = TokenVerifier::remote(
        format!("http://{closed}/api/identity/jwks.json"),
        "tienda",
        "tienda",
    );
    match verifier.verify(&token).await {
        Err(platform::ApiError::Unavailable { .. }) => Ok(()),
        other => panic!("expected 503 when the keys cannot be fetched, got {other:?}"),
    }
}

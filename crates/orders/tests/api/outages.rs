//! The catalog and identity out of reach (the distributed wiring, through a proxy the test
//! cuts): the orders service answers 503 with `Retry-After`, charges nothing, and the same
//! `Idempotency-Key` works once they are back.

use platform::backend_test;
use reqwest::StatusCode;

use crate::helpers::*;

backend_test! {
    async fn with_the_catalog_cut_off_a_checkout_answers_503_and_a_retry_succeeds_later(backend) {
        let shop = spawn_wired_shop(backend, |_| {}, None, Wiring::Http).await;
        let Some(proxy) = shop.proxy.as_ref() else { panic!("no proxy") };
        let sea = shop.product("The Sea", 1000, 5).await;
        let ana = shop.customer().await;
        assert_eq!(shop.add(&ana.token, &sea, 2).await.status(), StatusCode::OK, "adding over HTTP");
        let body = checkout_body(&shop.delivery("Standard").await, GOOD_CARD);
        let key = key();

        proxy.cut();
        let down = shop.checkout(&ana.token, &key, &body).await;
        assert!(down.headers().contains_key("retry-after"));
        let problem = assert_problem(down, StatusCode::SERVICE_UNAVAILABLE).await;
        assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("catalog")), "{problem}");
        let cart = shop.send(shop.http().get(shop.url("/api/orders/cart")).bearer_auth(&ana.token)).await;
        assert_problem(cart, StatusCode::SERVICE_UNAVAILABLE).await;
        let listed = json_body(shop.get(&ana.token, "/api/orders").await).await;
        assert_eq!(listed["items"], serde_json::json!([]), "a checkout that could not price left an order");

        proxy.restore();
        let paid = shop.checkout(&ana.token, &key, &body).await;
        assert_eq!(paid.status(), StatusCode::CREATED, "the key was not freed");
        let order = json_body(paid).await;
        assert_eq!(order["status"], "paid");
        assert_eq!(shop.stock(&sea).await, 3);
        assert_eq!(shop.ledger(&text(&order["id"])).await, (1, 0));
    }
}

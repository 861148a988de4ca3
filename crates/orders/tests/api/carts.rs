//! `/cart`: visitors and customers, current prices, merging at login, bad input.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_visitors_cart_merges_into_the_customers_cart_at_login(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 10).await;
        let wind = shop.product("The Wind", 500, 10).await;
        // A visitor adds two of The Sea and gets a cart token.
        let first = shop.send(shop.http().post(shop.url("/api/orders/cart/items")).json(&json!({"product_id": sea, "quantity": 2}))).await;
        assert_eq!(first.status(), StatusCode::OK);
        let token = text(&json_body(first).await["cart_token"]);
        assert_eq!(token.len(), 64);
        let visitor = shop.send(shop.http().get(shop.url("/api/orders/cart")).header("x-cart-token", &token)).await;
        assert_eq!(json_body(visitor).await["item_count"], 2);
        // The customer had one of each already.
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 1).await;
        shop.add(&ana.token, &wind, 1).await;
        // Logged in, the site sends both: the carts merge.
        let merged = shop.send(shop.http().get(shop.url("/api/orders/cart")).bearer_auth(&ana.token).header("x-cart-token", &token)).await;
        let merged = json_body(merged).await;
        assert_eq!(merged["item_count"], 4);
        assert_eq!(merged["cart_token"], serde_json::Value::Null);
        let quantities: Vec<(String, i64)> = merged["lines"].as_array().into_iter().flatten()
            .map(|line| (text(&line["product_id"]), line["quantity"].as_i64().unwrap_or(0))).collect();
        assert!(quantities.contains(&(sea.clone(), 3)) && quantities.contains(&(wind.clone(), 1)), "{quantities:?}");
        assert_eq!(merged["subtotal"], json!({"amount": 3500, "currency": "EUR"}));
        // The visitor's cart is gone: its token finds nothing now.
        let gone = shop.send(shop.http().get(shop.url("/api/orders/cart")).header("x-cart-token", &token)).await;
        assert_eq!(json_body(gone).await["item_count"], 0);
        // And merging again changes nothing.
        let again = shop.send(shop.http().get(shop.url("/api/orders/cart")).bearer_auth(&ana.token).header("x-cart-token", &token)).await;
        assert_eq!(json_body(again).await["item_count"], 4);
    }
}

backend_test! {
    async fn the_cart_shows_current_prices_and_flags_what_changed_or_went(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 10).await;
        let wind = shop.product("The Wind", 500, 1).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        shop.add(&ana.token, &wind, 1).await;
        shop.reprice(&sea, 1200).await;
        let archived = shop.send(shop.http().delete(shop.url(&format!("/api/catalog/products/{wind}"))).bearer_auth(&shop.admin)).await;
        assert_eq!(archived.status(), StatusCode::NO_CONTENT);
        let cart = shop.cart(&ana.token).await;
        let line = |id: &str| cart["lines"].as_array().and_then(|lines| lines.iter().find(|l| l["product_id"] == id).cloned()).unwrap_or_default();
        let sea_line = line(&sea);
        assert_eq!(sea_line["unit_price"]["amount"], 1200);
        assert_eq!(sea_line["price_when_added"]["amount"], 1000);
        assert_eq!(sea_line["price_changed"], true);
        assert_eq!(sea_line["problem"], serde_json::Value::Null);
        assert_eq!(line(&wind)["problem"], "unavailable");
        assert_eq!(cart["subtotal"]["amount"], 2400, "a line that cannot be bought is not in the subtotal");
    }
}

backend_test! {
    async fn bad_cart_input_gets_clear_errors_and_changes_nothing(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 3).await;
        let ana = shop.customer().await;
        for quantity in [0, -1, 1001] {
            assert_problem(shop.add(&ana.token, &sea, quantity).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let unknown = shop.add(&ana.token, &uuid::Uuid::now_v7().to_string(), 1).await;
        let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "product_id").as_deref(), Some("unknown"));
        let extra = shop.post(&ana.token, "/api/orders/cart/items", &json!({"product_id": sea, "quantity": 1, "price": 1})).await;
        assert_problem(extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(shop.add(&ana.token, &sea, 2).await.status(), StatusCode::OK);
        let too_many = assert_problem(shop.add(&ana.token, &sea, 2).await, StatusCode::CONFLICT).await;
        assert_eq!(too_many["type"], "urn:tienda:problem:insufficient-stock");
        assert_eq!(shop.cart(&ana.token).await["item_count"], 2);
        let path = format!("/api/orders/cart/items/{sea}");
        let patched = shop.send(shop.http().patch(shop.url(&path)).bearer_auth(&ana.token).json(&json!({"quantity": 1}))).await;
        assert_eq!(json_body(patched).await["item_count"], 1);
        let bad = shop.send(shop.http().patch(shop.url(&path)).bearer_auth(&ana.token).json(&json!({"quantity": 5000}))).await;
        assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
        let absent = shop.send(shop.http().patch(shop.url(&format!("/api/orders/cart/items/{}", uuid::Uuid::now_v7()))).bearer_auth(&ana.token).json(&json!({"quantity": 1}))).await;
        assert_problem(absent, StatusCode::NOT_FOUND).await;
        let removed = shop.send(shop.http().delete(shop.url(&path)).bearer_auth(&ana.token)).await;
        assert_eq!(json_body(removed).await["item_count"], 0);
        assert_problem(shop.send(shop.http().delete(shop.url(&path)).bearer_auth(&ana.token)).await, StatusCode::NOT_FOUND).await;
        let forged = shop.send(shop.http().get(shop.url("/api/orders/cart")).header("x-cart-token", "not-a-token")).await;
        assert_problem(forged, StatusCode::BAD_REQUEST).await;
        let bad_token = shop.send(shop.http().get(shop.url("/api/orders/cart")).bearer_auth("nonsense")).await;
        assert_problem(bad_token, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn concurrent_adds_to_a_new_cart_make_one_cart_with_every_unit(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 50).await;
        let ana = shop.customer().await;
        let statuses = futures::future::join_all((0..10).map(|_| shop.add(&ana.token, &sea, 2))).await;
        assert!(statuses.iter().all(|response| response.status() == StatusCode::OK), "{statuses:?}");
        let cart = shop.cart(&ana.token).await;
        assert_eq!(cart["lines"].as_array().map(Vec::len), Some(1));
        assert_eq!(cart["item_count"], 20);
    }
}

backend_test! {
    async fn a_cart_holds_only_what_is_priced_in_the_shops_currency(backend) {
        // The orders service sells in pesos, the catalog still holds a product in euros (listed
        // before the shop changed its currency): it cannot go in a cart, and nothing adds up
        // euros and pesos.
        let shop = spawn_shop_with(backend, |config| config.currency = "COP".to_owned(), None).await;
        let sea = shop.product("The Sea", 1500, 10).await;
        let ana = shop.customer().await;
        let empty = json_body(shop.get(&ana.token, "/api/orders/cart").await).await;
        assert_eq!(empty["subtotal"], json!({"amount": 0, "currency": "COP"}));
        let refused = assert_problem(shop.add(&ana.token, &sea, 1).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&refused, "product_id").as_deref(), Some("not_shop_currency"));
        let cart = json_body(shop.get(&ana.token, "/api/orders/cart").await).await;
        assert_eq!(cart["item_count"], 0);
        // The demo's delivery options are in the shop's currency; an offered one in euros is not.
        let options = json_body(shop.get(&ana.token, "/api/orders/delivery-options").await).await;
        assert!(options["items"].as_array().into_iter().flatten().all(|option| option["price"]["currency"] == "COP"), "{options}");
        let in_euros = json!({"carrier": "Correos", "name": "Express", "price": {"amount": 990, "currency": "EUR"}, "estimated_days": 1, "active": true});
        let problem = assert_problem(shop.post(&shop.admin, "/api/orders/delivery-options", &in_euros).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "price.currency").as_deref(), Some("not_shop_currency"));
        let in_pesos = json!({"carrier": "Servientrega", "name": "Express", "price": {"amount": 1_200_000, "currency": "COP"}, "estimated_days": 1, "active": true});
        assert_eq!(shop.post(&shop.admin, "/api/orders/delivery-options", &in_pesos).await.status(), StatusCode::CREATED);
    }
}

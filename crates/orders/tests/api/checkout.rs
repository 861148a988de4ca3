//! `POST /checkout`: idempotency, the last item, declines, price changes, bad input.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

backend_test! {
    async fn the_idempotency_key_is_required_and_replays_the_first_answer(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 10).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        let option = shop.delivery("Standard").await;
        let body = checkout_body(&option, GOOD_CARD);
        let missing = shop.post(&ana.token, "/api/orders/checkout", &body).await;
        assert_problem(missing, StatusCode::BAD_REQUEST).await;

        let key = key();
        let mut answers = Vec::new();
        for _ in 0..5 {
            let response = shop.checkout(&ana.token, &key, &body).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            answers.push(json_body(response).await);
        }
        assert!(answers.windows(2).all(|pair| pair[0] == pair[1]), "replays differ");
        let order = &answers[0];
        assert_eq!(order["status"], "paid");
        assert_eq!(order["total"], json!({"amount": 2399, "currency": "EUR"}));
        assert_eq!(shop.stock(&sea).await, 8, "stock was taken more than once");
        let id = text(&order["id"]);
        assert_eq!(shop.ledger(&id).await, (1, 0));
        let listed = json_body(shop.get(&ana.token, "/api/orders").await).await;
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

        let mut other = body.clone();
        other["shipping_address"]["city"] = json!("Sevilla");
        let reused = assert_problem(shop.checkout(&ana.token, &key, &other).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&reused, "Idempotency-Key").as_deref(), Some("reused"));
    }
}

backend_test! {
    async fn concurrent_checkouts_with_one_key_make_one_order(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 10).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 1).await;
        let body = checkout_body(&shop.delivery("Standard").await, GOOD_CARD);
        let key = key();
        let answers = futures::future::join_all((0..8).map(|_| async {
            let response = shop.checkout(&ana.token, &key, &body).await;
            (response.status(), json_body(response).await)
        })).await;
        let created: Vec<&Value> = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).map(|(_, body)| body).collect();
        assert!(!created.is_empty(), "{answers:?}");
        assert!(answers.iter().all(|(status, _)| *status == StatusCode::CREATED || *status == StatusCode::CONFLICT), "{answers:?}");
        assert!(created.iter().all(|body| body["id"] == created[0]["id"]));
        assert_eq!(shop.stock(&sea).await, 9);
        let listed = json_body(shop.get(&ana.token, "/api/orders").await).await;
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    }
}

backend_test! {
    async fn thirty_customers_checking_out_the_last_item_make_one_paid_order(backend) {
        let shop = spawn_shop(backend).await;
        let last = shop.product("The Last Copy", 2500, 1).await;
        let option = shop.delivery("Standard").await;
        let mut customers = Vec::new();
        for _ in 0..30 {
            let customer = shop.customer().await;
            assert_eq!(shop.add(&customer.token, &last, 1).await.status(), StatusCode::OK);
            customers.push(customer);
        }
        let body = checkout_body(&option, GOOD_CARD);
        let statuses = futures::future::join_all(customers.iter().map(|customer| async {
            let response = shop.checkout(&customer.token, &key(), &body).await;
            let status = response.status();
            let body = json_body(response).await;
            if status == StatusCode::CONFLICT {
                assert_eq!(body["type"], "urn:tienda:problem:insufficient-stock", "{body}");
                assert_eq!(body["details"]["lines"][0]["available"], 0);
            }
            status
        })).await;
        let paid = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((paid, refused), (1, 29), "{statuses:?}");
        assert_eq!(shop.stock(&last).await, 0);
        let all = json_body(shop.get(&shop.admin, "/api/orders?status=paid&limit=100").await).await;
        assert_eq!(all["items"].as_array().map(Vec::len), Some(1));
        let every = json_body(shop.get(&shop.admin, "/api/orders?limit=100").await).await;
        assert_eq!(every["items"].as_array().map(Vec::len), Some(1), "refused checkouts left orders behind");
    }
}

backend_test! {
    async fn a_declined_card_fails_the_order_and_gives_the_stock_back(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let option = shop.delivery("Standard").await;
        for (card, reason) in [
            (orders::clients::payments::CARD_INSUFFICIENT_FUNDS, "insufficient_funds"),
            (orders::clients::payments::CARD_STOLEN, "stolen_card"),
            (orders::clients::payments::CARD_PROVIDER_ERROR, "provider_unavailable"),
        ] {
            let ana = shop.customer().await;
            shop.add(&ana.token, &sea, 2).await;
            let key = key();
            let body = checkout_body(&option, card);
            let declined = assert_problem(shop.checkout(&ana.token, &key, &body).await, StatusCode::PAYMENT_REQUIRED).await;
            assert_eq!(declined["type"], "urn:tienda:problem:payment-declined");
            assert_eq!(declined["details"]["reason"], reason);
            let id = text(&declined["details"]["order_id"]);
            let order = json_body(shop.get(&ana.token, &format!("/api/orders/{id}")).await).await;
            assert_eq!(order["status"], "payment_failed");
            assert_eq!(order["status_reason"], reason);
            assert_eq!(shop.stock(&sea).await, 5, "{reason}: the stock did not come back");
            assert_eq!(shop.cart(&ana.token).await["item_count"], 2, "the cart stays for another try");
            // The same key answers the same decline.
            let replay = shop.checkout(&ana.token, &key, &body).await;
            assert_eq!(replay.status(), StatusCode::PAYMENT_REQUIRED);
            assert_eq!(json_body(replay).await, declined);
            assert_eq!(shop.ledger(&id).await.0, i64::from(reason != "provider_unavailable"));
        }
        // An expired card and an amount over the limit are declined too.
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 1).await;
        let mut expired = checkout_body(&option, GOOD_CARD);
        expired["payment"]["exp_year"] = json!(2020);
        let declined = assert_problem(shop.checkout(&ana.token, &key(), &expired).await, StatusCode::PAYMENT_REQUIRED).await;
        assert_eq!(declined["details"]["reason"], "expired_card");
        let dear = shop.product("A Dear Book", 600_000, 5).await;
        let rich = shop.customer().await;
        shop.add(&rich.token, &dear, 2).await;
        let declined = assert_problem(shop.checkout(&rich.token, &key(), &checkout_body(&option, GOOD_CARD)).await, StatusCode::PAYMENT_REQUIRED).await;
        assert_eq!(declined["details"]["reason"], "amount_too_large");
        assert_eq!(shop.stock(&dear).await, 5);
    }
}

backend_test! {
    async fn a_price_changed_since_the_cart_is_charged_new_and_said_so(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let wind = shop.product("The Wind", 700, 5).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        shop.add(&ana.token, &wind, 1).await;
        shop.reprice(&sea, 1100).await;
        let option = shop.delivery("Express 24h").await;
        let response = shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let order = json_body(response).await;
        assert_eq!(order["price_changes"], json!([{"product_id": sea, "cart_amount": 1000, "charged_amount": 1100}]));
        assert_eq!(order["items_total"]["amount"], 2 * 1100 + 700);
        assert_eq!(order["delivery"]["price"]["amount"], 899);
        assert_eq!(order["total"]["amount"], 2 * 1100 + 700 + 899);
        let line = order["lines"].as_array().and_then(|lines| lines.iter().find(|l| l["product_id"] == sea.as_str()).cloned()).unwrap_or_default();
        assert_eq!((line["name"].clone(), line["unit_price"]["amount"].clone()), (json!("The Sea"), json!(1100)));
        // The order keeps the name and price it was bought at.
        shop.reprice(&sea, 5000).await;
        let again = json_body(shop.get(&ana.token, &format!("/api/orders/{}", text(&order["id"]))).await).await;
        assert_eq!(again["lines"], order["lines"]);
        assert_eq!(shop.cart(&ana.token).await["item_count"], 0, "bought lines leave the cart");
    }
}

backend_test! {
    async fn bad_checkouts_are_refused_before_anything_is_reserved_and_cards_are_never_stored(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let option = shop.delivery("Standard").await;
        let ana = shop.customer().await;
        let empty = shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await;
        assert_problem(empty, StatusCode::CONFLICT).await;
        shop.add(&ana.token, &sea, 1).await;
        let cases: Vec<(Value, &str)> = vec![
            (checkout_body(&option, "4242 4242 4242 4241"), "payment.number"),
            (checkout_body(&option, "12ab"), "payment.number"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["payment"]["exp_month"] = json!(13); b }, "payment.exp_month"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["payment"]["cvc"] = json!("1"); b }, "payment.cvc"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["payment"]["method"] = json!("cash"); b }, "payment.method"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["shipping_address"]["country"] = json!("Spain"); b }, "shipping_address.country"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["shipping_address"]["line1"] = json!(" "); b }, "shipping_address.line1"),
            ({ let mut b = checkout_body(&option, GOOD_CARD); b["delivery_option"] = json!(uuid::Uuid::now_v7()); b }, "delivery_option"),
        ];
        for (body, field) in cases {
            let problem = assert_problem(shop.checkout(&ana.token, &key(), &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(error_code(&problem, field).is_some(), "{field}: {problem}");
        }
        let mut extra = checkout_body(&option, GOOD_CARD);
        extra["discount"] = json!(100);
        assert_problem(shop.checkout(&ana.token, &key(), &extra).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(shop.stock(&sea).await, 5);
        let listed = json_body(shop.get(&ana.token, "/api/orders").await).await;
        assert_eq!(listed["items"], json!([]));
        // A real checkout, then look for the number anywhere in the orders database.
        assert_eq!(shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await.status(), StatusCode::CREATED);
        let database = platform::db::Database::connect(&shop.orders_database.config).await.unwrap_or_else(|e| panic!("{e}"));
        for (table, columns) in [
            ("orders", "shipping_address || card_brand || card_last4 || idempotency_key || COALESCE(payment_id, '')"),
            ("idempotency_keys", "request_hash || COALESCE(response_body, '')"),
            ("simulated_charges", "card_brand || card_last4"),
        ] {
            let found: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {columns} LIKE '%42424242%'"))
                .fetch_one(database.pool()).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(found, 0, "a card number is stored in {table}");
        }
        let last4: String = sqlx::query_scalar("SELECT card_last4 FROM orders").fetch_one(database.pool()).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(last4, "4242");
    }
}

backend_test! {
    async fn two_checkouts_of_one_cart_at_once_charge_it_once(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 10).await;
        let ana = shop.customer().await;
        let body = checkout_body(&shop.delivery("Standard").await, GOOD_CARD);
        // Two tabs, two keys; several rounds, so that one tab reading the cart just before the
        // other's payment empties it is tried too.
        for round in 1..=5 {
            shop.add(&ana.token, &sea, 1).await;
            let (one, two) = (key(), key());
            let (first, second) = tokio::join!(
                shop.checkout(&ana.token, &one, &body),
                shop.checkout(&ana.token, &two, &body),
            );
            let mut statuses = [first.status(), second.status()];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "round {round}");
            assert_eq!(shop.stock(&sea).await, 10 - round);
        }
        let listed = json_body(shop.get(&ana.token, "/api/orders").await).await;
        let orders: Vec<&Value> = listed["items"].as_array().into_iter().flatten().collect();
        assert_eq!(orders.len(), 5, "{listed}");
        for order in orders {
            assert_eq!(shop.ledger(&text(&order["id"])).await, (1, 0));
        }
    }
}

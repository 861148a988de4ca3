//! After the checkout: reading, cancelling, shipping, delivering; delivery options; events.

use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_customer_goes_from_an_empty_cart_to_a_delivered_order(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let ana = shop.customer().await;
        assert_eq!(shop.cart(&ana.token).await["item_count"], 0);
        shop.add(&ana.token, &sea, 1).await;
        let option = shop.delivery("Standard").await;
        let order = json_body(shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await).await;
        assert_eq!(order["status"], "paid");
        assert_eq!(order["payment"], json!({"method": "card", "brand": "visa", "last4": "4242"}));
        assert_eq!(order["shipping_address"]["country"], "ES");
        let path = format!("/api/orders/{}", text(&order["id"]));
        let shipment = json!({"carrier": "Correos", "tracking_number": "PQ123456789ES"});
        assert_problem(shop.post(&ana.token, &format!("{path}/shipment"), &shipment).await, StatusCode::FORBIDDEN).await;
        assert_problem(shop.post(&shop.admin, &format!("{path}/delivered"), &json!({})).await, StatusCode::CONFLICT).await;
        let bad = shop.post(&shop.admin, &format!("{path}/shipment"), &json!({"carrier": "", "tracking_number": "x"})).await;
        assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
        let shipped = shop.post(&shop.admin, &format!("{path}/shipment"), &shipment).await;
        assert_eq!(shipped.status(), StatusCode::OK);
        assert_problem(shop.post(&shop.admin, &format!("{path}/shipment"), &shipment).await, StatusCode::CONFLICT).await;
        let seen = json_body(shop.get(&ana.token, &path).await).await;
        assert_eq!(seen["status"], "shipped");
        assert_eq!(seen["shipment"]["tracking_number"], "PQ123456789ES");
        assert_problem(shop.post(&ana.token, &format!("{path}/cancel"), &json!({})).await, StatusCode::CONFLICT).await;
        let delivered = json_body(shop.post(&shop.admin, &format!("{path}/delivered"), &json!({})).await).await;
        assert_eq!(delivered["status"], "delivered");
        assert!(delivered["shipment"]["delivered_at"].is_string());
        assert_eq!(shop.stock(&sea).await, 4);
        let published: Vec<String> = platform::testing::events::published_events(&shop.orders_database.config)
            .await.into_iter().map(|event| event.kind).collect();
        assert_eq!(published, [
            "tienda.orders.order.placed.v1",
            "tienda.orders.order.paid.v1",
            "tienda.orders.order.shipped.v1",
            "tienda.orders.order.delivered.v1",
        ]);
    }
}

backend_test! {
    async fn a_customer_cannot_read_or_cancel_anothers_order(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let option = shop.delivery("Standard").await;
        let ana = shop.customer().await;
        let bea = shop.customer().await;
        shop.add(&ana.token, &sea, 1).await;
        let order = json_body(shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await).await;
        let path = format!("/api/orders/{}", text(&order["id"]));
        assert_problem(shop.get(&bea.token, &path).await, StatusCode::NOT_FOUND).await;
        assert_problem(shop.post(&bea.token, &format!("{path}/cancel"), &json!({})).await, StatusCode::NOT_FOUND).await;
        let theirs = json_body(shop.get(&bea.token, "/api/orders").await).await;
        assert_eq!(theirs["items"], json!([]));
        let filtered = json_body(shop.get(&bea.token, &format!("/api/orders?customer={}", ana.id)).await).await;
        assert_eq!(filtered["items"], json!([]), "a customer's filter cannot reach another's orders");
        assert_eq!(json_body(shop.get(&ana.token, &path).await).await["status"], "paid");
        let staff = json_body(shop.get(&shop.admin, &format!("/api/orders?customer={}", ana.id)).await).await;
        assert_eq!(staff["items"].as_array().map(Vec::len), Some(1));
        assert_problem(shop.get(&ana.token, "/api/orders/not-an-id").await, StatusCode::NOT_FOUND).await;
        // A path id that is not even text is the same 404 problem, not axum's plain-text 400.
        assert_problem(shop.get(&ana.token, "/api/orders/%ff").await, StatusCode::NOT_FOUND).await;
        assert_problem(shop.post(&ana.token, "/api/orders/%ff/cancel", &json!({})).await, StatusCode::NOT_FOUND).await;
        assert_problem(shop.get(&ana.token, "/api/orders?status=lost").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_problem(shop.send(shop.http().get(shop.url(&path))).await, StatusCode::UNAUTHORIZED).await;
    }
}

backend_test! {
    async fn cancelling_a_paid_order_refunds_it_once_and_returns_its_stock(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let option = shop.delivery("Standard").await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        let order = json_body(shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await).await;
        let id = text(&order["id"]);
        assert_eq!(shop.stock(&sea).await, 3);
        let cancelled = shop.post(&ana.token, &format!("/api/orders/{id}/cancel"), &json!({})).await;
        assert_eq!(cancelled.status(), StatusCode::OK);
        let cancelled = json_body(cancelled).await;
        assert_eq!(cancelled["status"], "refunded");
        assert_eq!(cancelled["status_reason"], "cancelled_by_customer");
        assert_eq!(shop.stock(&sea).await, 5);
        assert_eq!(shop.ledger(&id).await, (1, 2399));
        let again = shop.post(&ana.token, &format!("/api/orders/{id}/cancel"), &json!({})).await;
        assert_problem(again, StatusCode::CONFLICT).await;
        assert_eq!(shop.ledger(&id).await, (1, 2399), "refunded twice");
        assert_problem(shop.post(&shop.admin, &format!("/api/orders/{id}/shipment"), &json!({"carrier": "GLS", "tracking_number": "1"})).await, StatusCode::CONFLICT).await;
    }
}

backend_test! {
    async fn administrators_manage_delivery_options_and_checkout_offers_only_active_ones(backend) {
        let shop = spawn_shop(backend).await;
        let ana = shop.customer().await;
        let new = json!({"carrier": "MRW", "name": "Saturday", "price": {"amount": 1299, "currency": "EUR"}, "estimated_days": 2});
        assert_problem(shop.post(&ana.token, "/api/orders/delivery-options", &new).await, StatusCode::FORBIDDEN).await;
        for bad in [
            json!({"carrier": "", "name": "x", "price": {"amount": 1, "currency": "EUR"}, "estimated_days": 2}),
            json!({"carrier": "MRW", "name": "x", "price": {"amount": -1, "currency": "EUR"}, "estimated_days": 2}),
            json!({"carrier": "MRW", "name": "x", "price": {"amount": 1, "currency": "XXX"}, "estimated_days": 2}),
            json!({"carrier": "MRW", "name": "x", "price": {"amount": 1, "currency": "EUR"}, "estimated_days": 99}),
        ] {
            assert_problem(shop.post(&shop.admin, "/api/orders/delivery-options", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let created = shop.post(&shop.admin, "/api/orders/delivery-options", &new).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let created = json_body(created).await;
        let path = shop.url(&format!("/api/orders/delivery-options/{}", text(&created["id"])));
        let stale = shop.send(shop.http().patch(&path).bearer_auth(&shop.admin).header("if-match", "\"7\"").json(&json!({"active": false}))).await;
        assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
        let withdrawn = shop.send(shop.http().patch(&path).bearer_auth(&shop.admin).header("if-match", "\"1\"").json(&json!({"active": false}))).await;
        assert_eq!(withdrawn.status(), StatusCode::OK);
        let listed = json_body(shop.send(shop.http().get(shop.url("/api/orders/delivery-options"))).await).await;
        assert!(listed.as_array().into_iter().flatten().all(|option| option["name"] != "Saturday"));
        let all = json_body(shop.get(&shop.admin, "/api/orders/delivery-options?all=true").await).await;
        assert!(all.as_array().into_iter().flatten().any(|option| option["name"] == "Saturday"));
        let sea = shop.product("The Sea", 1000, 5).await;
        shop.add(&ana.token, &sea, 1).await;
        let refused = shop.checkout(&ana.token, &key(), &checkout_body(&created, GOOD_CARD)).await;
        let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(error_code(&problem, "delivery_option").is_some());
    }
}

const ROUTES: [(&str, &str); 12] = [
    ("get", "/api/orders/sales"),
    ("delete", "/api/orders/cart/items/{product_id}"),
    ("get", "/api/orders/cart"),
    ("get", "/api/orders/delivery-options"),
    ("get", "/api/orders"),
    ("get", "/api/orders/{id}"),
    ("patch", "/api/orders/cart/items/{product_id}"),
    ("patch", "/api/orders/delivery-options/{id}"),
    ("post", "/api/orders/cart/items"),
    ("post", "/api/orders/checkout"),
    ("post", "/api/orders/delivery-options"),
    ("post", "/api/orders/{id}/cancel"),
];

backend_test! {
    async fn every_orders_route_is_documented_and_every_documented_route_is_served(backend) {
        let shop = spawn_shop(backend).await;
        let document = json_body(shop.send(shop.http().get(shop.url("/api/openapi.json"))).await).await;
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten().filter(|(path, _)| path.starts_with("/api/orders")) {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m.clone()) {
                documented.push((method, path.clone()));
            }
        }
        documented.sort();
        let mut expected: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        expected.push(("post".into(), "/api/orders/{id}/delivered".into()));
        expected.push(("post".into(), "/api/orders/{id}/shipment".into()));
        expected.sort();
        assert_eq!(documented, expected);
        for (method, path) in &expected {
            let url = shop.url(&path.replace("{id}", &uuid::Uuid::now_v7().to_string()).replace("{product_id}", &uuid::Uuid::now_v7().to_string()));
            let request = match method.as_str() {
                "get" => shop.http().get(&url),
                "post" => shop.http().post(&url).json(&json!({})),
                "patch" => shop.http().patch(&url).json(&json!({})),
                _ => shop.http().delete(&url),
            };
            let status = shop.send(request.bearer_auth(&shop.admin)).await.status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(status != StatusCode::NOT_FOUND || path.contains('{'), "{method} {path}: {status}");
        }
    }
}

backend_test! {
    async fn the_old_orders_paths_redirect_permanently_to_the_new_ones(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 1).await;
        let order = json_body(shop.checkout(&ana.token, &key(), &checkout_body(&shop.delivery("Standard").await, GOOD_CARD)).await).await;
        let id = text(&order["id"]);
        let unfollowed = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        for (method, old, new) in [
            (reqwest::Method::GET, "/api/orders/orders".to_owned(), "/api/orders".to_owned()),
            (reqwest::Method::GET, "/api/orders/orders?status=paid&limit=5".to_owned(), "/api/orders?status=paid&limit=5".to_owned()),
            (reqwest::Method::GET, format!("/api/orders/orders/{id}"), format!("/api/orders/{id}")),
            (reqwest::Method::POST, format!("/api/orders/orders/{id}/cancel"), format!("/api/orders/{id}/cancel")),
        ] {
            let answer = shop.send(unfollowed.request(method.clone(), shop.url(&old)).bearer_auth(&ana.token)).await;
            assert_eq!(answer.status(), StatusCode::PERMANENT_REDIRECT, "{method} {old}");
            assert_eq!(answer.headers().get("location").and_then(|value| value.to_str().ok()), Some(new.as_str()), "{method} {old}");
        }
        // A client that follows redirects (keeping method and body, as 308 requires) lands on
        // the order.
        let followed = json_body(shop.get(&ana.token, &format!("/api/orders/orders/{id}")).await).await;
        assert_eq!(followed["id"], json!(id));
        // The old paths are not in the API document.
        let document = json_body(shop.send(shop.http().get(shop.url("/api/openapi.json"))).await).await;
        assert!(document["paths"].as_object().is_some_and(|paths| paths.keys().all(|path| !path.starts_with("/api/orders/orders"))));
    }
}

backend_test! {
    async fn staff_see_paid_orders_and_revenue_per_day_and_refunds_are_not_sales(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let ana = shop.customer().await;
        let option = shop.delivery("Standard").await;
        let mut orders = Vec::new();
        for _ in 0..3 {
            shop.add(&ana.token, &sea, 1).await;
            orders.push(json_body(shop.checkout(&ana.token, &key(), &checkout_body(&option, GOOD_CARD)).await).await);
        }
        shop.add(&ana.token, &sea, 1).await;
        let declined = shop.checkout(&ana.token, &key(), &checkout_body(&option, orders::clients::payments::CARD_STOLEN)).await;
        assert_eq!(declined.status(), StatusCode::PAYMENT_REQUIRED);
        let refunded = format!("/api/orders/{}/cancel", text(&orders[2]["id"]));
        assert_eq!(shop.post(&ana.token, &refunded, &json!({})).await.status(), StatusCode::OK);

        let week = json_body(shop.get(&shop.admin, "/api/orders/sales").await).await;
        let days = week.as_array().cloned().unwrap_or_default();
        assert_eq!(days.len(), 7);
        let today = &days[6];
        assert_eq!(today["day"], time::OffsetDateTime::now_utc().date().to_string());
        assert_eq!(today["orders"], 2, "paid, not declined nor refunded: {week}");
        let total = orders[0]["total"]["amount"].as_i64().unwrap_or_default() * 2;
        assert_eq!(today["revenue"], json!([{"amount": total, "currency": "EUR"}]));
        assert!(days[..6].iter().all(|day| day["orders"] == 0 && day["revenue"] == json!([])), "{week}");
        let one = json_body(shop.get(&shop.admin, "/api/orders/sales?days=1").await).await;
        assert_eq!(one.as_array().map(Vec::len), Some(1));
        for bad in ["days=0", "days=91", "days=many"] {
            let response = shop.get(&shop.admin, &format!("/api/orders/sales?{bad}")).await;
            assert!(response.status().is_client_error() && response.status() != StatusCode::NOT_FOUND, "{bad}: {}", response.status());
        }
        assert_problem(shop.get(&ana.token, "/api/orders/sales").await, StatusCode::FORBIDDEN).await;
        // The list by the day placed (UTC), both ends included.
        let today = time::OffsetDateTime::now_utc().date();
        let count = |page: serde_json::Value| page["items"].as_array().map_or(0, Vec::len);
        let on = |from: time::Date, until: time::Date| format!("/api/orders?from={from}&until={until}");
        assert_eq!(count(json_body(shop.get(&shop.admin, &on(today, today)).await).await), 4);
        let tomorrow = today + time::Duration::DAY;
        let yesterday = today - time::Duration::DAY;
        assert_eq!(count(json_body(shop.get(&shop.admin, &format!("/api/orders?from={tomorrow}")).await).await), 0);
        assert_eq!(count(json_body(shop.get(&shop.admin, &format!("/api/orders?until={yesterday}")).await).await), 0);
        assert_eq!(count(json_body(shop.get(&shop.admin, &format!("/api/orders?status=paid&from={yesterday}")).await).await), 2);
        for bad in ["from=yesterday", "until=2026-13-01", "from=2026-1-1"] {
            assert_problem(shop.get(&shop.admin, &format!("/api/orders?{bad}")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
}

backend_test! {
    async fn a_refunded_orders_units_come_back_once_even_when_their_return_is_sent_again(backend) {
        let shop = spawn_shop(backend).await;
        let sea = shop.product("The Sea", 1000, 5).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        let order = json_body(shop.checkout(&ana.token, &key(), &checkout_body(&shop.delivery("Standard").await, GOOD_CARD)).await).await;
        assert_eq!(shop.stock(&sea).await, 3);
        let id = text(&order["id"]);
        let cancelled = json_body(shop.post(&ana.token, &format!("/api/orders/{id}/cancel"), &json!({})).await).await;
        assert_eq!(cancelled["status"], "refunded", "{cancelled}");
        assert_eq!(shop.stock(&sea).await, 5);
        // The process stopped after the catalog took the units back and before the line was
        // marked: the line reads as not returned, and the return runs again.
        let database = platform::db::Database::connect(&shop.orders_database.config).await.unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("UPDATE order_lines SET restocked = 0").execute(database.writer()).await.unwrap_or_else(|e| panic!("{e}"));
        let order_id = id.parse::<uuid::Uuid>().unwrap_or_else(|e| panic!("{e}"));
        let _ = orders::app::orders::return_stock(&shop.orders, order_id).await;
        assert_eq!(shop.stock(&sea).await, 5, "the units came back twice");
    }
}

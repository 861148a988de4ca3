//! Reservations, their commit and release, expiry, adjustments, and the races on the last item.

use std::time::Duration;

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

async fn stock_of(app: &TestApp, product: &str) -> i64 {
    json_body(app.get(Anonymous, &format!("/products/{product}")).await).await["stock"]
        .as_i64()
        .unwrap_or(-1)
}

fn order(lines: &[(&str, i64)]) -> Value {
    json!({
        "order_id": Uuid::now_v7(),
        "lines": lines.iter().map(|(product, quantity)| json!({"product_id": product, "quantity": quantity})).collect::<Vec<_>>(),
    })
}

/// A book with `stock` units, and its id.
async fn stocked(app: &TestApp, stock: i64) -> String {
    let books = app
        .category(&format!("Books {}", Uuid::now_v7().simple()), None)
        .await;
    let mut body = book(&books, "The Sea", 1299);
    body["stock"] = json!(stock);
    text(&app.product(&app.user(Role::Admin), body).await["id"])
}

backend_test! {
    async fn a_reservation_takes_every_line_or_none_and_names_the_short_ones(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let plenty = stocked(&app, 10).await;
        let scarce = stocked(&app, 2).await;
        let short = app.post(&admin, "/reservations", &order(&[(&plenty, 3), (&scarce, 5)])).await;
        let problem = assert_problem(short, StatusCode::CONFLICT).await;
        assert_eq!(problem["type"], "urn:tienda:problem:insufficient-stock");
        assert_eq!(problem["details"]["lines"], json!([{"product_id": scarce, "requested": 5, "available": 2}]));
        assert_eq!(stock_of(&app, &plenty).await, 10, "a refused reservation took stock");
        let held = app.post(&admin, "/reservations", &order(&[(&plenty, 3), (&scarce, 2)])).await;
        assert_eq!(held.status(), StatusCode::CREATED);
        let held = json_body(held).await;
        assert_eq!(held["status"], "held");
        assert_eq!(stock_of(&app, &plenty).await, 7);
        assert_eq!(stock_of(&app, &scarce).await, 0);
        let unknown = app.post(&admin, "/reservations", &order(&[(&Uuid::now_v7().to_string(), 1)])).await;
        assert_problem(unknown, StatusCode::CONFLICT).await;
        for bad in [order(&[]), order(&[(&plenty, 0)]), order(&[(&plenty, 1001)]), order(&[(&plenty, 1), (&plenty, 1)])] {
            assert_problem(app.post(&admin, "/reservations", &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        for role in [Role::Customer, Role::Seller, Role::Agent] {
            assert_problem(app.post(&app.user(role), "/reservations", &order(&[(&plenty, 1)])).await, StatusCode::FORBIDDEN).await;
        }
        // The orders service reserves with its service token.
        let by_service = app.post(&app.user(Role::Service), "/reservations", &order(&[(&plenty, 1)])).await;
        assert_eq!(by_service.status(), StatusCode::CREATED);
        assert_eq!(stock_of(&app, &plenty).await, 6);
    }
}

backend_test! {
    async fn the_same_order_gets_the_same_answer_and_other_lines_are_a_conflict(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let product = stocked(&app, 10).await;
        let request = order(&[(&product, 2)]);
        let first = json_body(app.post(&admin, "/reservations", &request).await).await;
        let again = app.post(&admin, "/reservations", &request).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(json_body(again).await, first);
        assert_eq!(stock_of(&app, &product).await, 8, "a replay reserved twice");
        let mut other = order(&[(&product, 3)]);
        other["order_id"] = request["order_id"].clone();
        assert_problem(app.post(&admin, "/reservations", &other).await, StatusCode::CONFLICT).await;
        assert_eq!(stock_of(&app, &product).await, 8);
    }
}

backend_test! {
    async fn commit_and_release_are_idempotent_and_exclusive(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let product = stocked(&app, 10).await;
        let sold = text(&json_body(app.post(&admin, "/reservations", &order(&[(&product, 4)])).await).await["id"]);
        let let_go = text(&json_body(app.post(&admin, "/reservations", &order(&[(&product, 3)])).await).await["id"]);
        assert_eq!(stock_of(&app, &product).await, 3);
        for _ in 0..2 {
            let committed = app.post(&admin, &format!("/reservations/{sold}/commit"), &json!({})).await;
            assert_eq!(committed.status(), StatusCode::OK);
            assert_eq!(json_body(committed).await["status"], "committed");
            let released = app.post(&admin, &format!("/reservations/{let_go}/release"), &json!({})).await;
            assert_eq!(released.status(), StatusCode::OK);
            assert_eq!(json_body(released).await["status"], "released");
        }
        assert_eq!(stock_of(&app, &product).await, 6, "released stock returns once; sold stock stays gone");
        assert_problem(app.post(&admin, &format!("/reservations/{sold}/release"), &json!({})).await, StatusCode::CONFLICT).await;
        assert_problem(app.post(&admin, &format!("/reservations/{let_go}/commit"), &json!({})).await, StatusCode::CONFLICT).await;
        assert_problem(app.post(&admin, &format!("/reservations/{}/commit", Uuid::now_v7()), &json!({})).await, StatusCode::NOT_FOUND).await;
        let seller = app.user(Role::Seller);
        assert_problem(app.post(&seller, &format!("/reservations/{sold}/commit"), &json!({})).await, StatusCode::FORBIDDEN).await;
        let read = json_body(app.send(app.http.get(app.url(&format!("/reservations/{sold}"))).bearer_auth(&admin.token)).await).await;
        assert_eq!(read["lines"], json!([{"product_id": product, "quantity": 4}]));
    }
}

backend_test! {
    async fn a_reserved_pet_is_sold_on_commit_and_available_again_on_release(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let pets = app.category("Pets", None).await;
        let cat = text(&app.product(&admin, pet(&pets, "Mishi")).await["id"]);
        let held = text(&json_body(app.post(&admin, "/reservations", &order(&[(&cat, 1)])).await).await["id"]);
        let reserved = json_body(app.get(Anonymous, &format!("/products/{cat}")).await).await;
        assert_eq!((reserved["pet_status"].clone(), reserved["stock"].clone()), (json!("reserved"), json!(0)));
        assert_problem(app.post(&admin, "/reservations", &order(&[(&cat, 1)])).await, StatusCode::CONFLICT).await;
        app.post(&admin, &format!("/reservations/{held}/release"), &json!({})).await;
        let back = json_body(app.get(Anonymous, &format!("/products/{cat}")).await).await;
        assert_eq!((back["pet_status"].clone(), back["stock"].clone()), (json!("available"), json!(1)));
        let again = text(&json_body(app.post(&admin, "/reservations", &order(&[(&cat, 1)])).await).await["id"]);
        app.post(&admin, &format!("/reservations/{again}/commit"), &json!({})).await;
        let sold = json_body(app.get(Anonymous, &format!("/products/{cat}")).await).await;
        assert_eq!((sold["pet_status"].clone(), sold["stock"].clone()), (json!("sold"), json!(0)));
    }
}

backend_test! {
    async fn a_reservation_not_committed_in_time_expires_and_its_stock_returns(backend) {
        let app = spawn_app_with(backend, |config| config.reservation_ttl = Duration::from_millis(200)).await;
        let admin = app.user(Role::Admin);
        let product = stocked(&app, 5).await;
        let held = text(&json_body(app.post(&admin, "/reservations", &order(&[(&product, 5)])).await).await["id"]);
        assert_eq!(stock_of(&app, &product).await, 0);
        // Expire until the stock is back (the TTL passes meanwhile); the expiry task may release
        // it first. Either way it is released once.
        let mut expired = 0;
        for _ in 0..200 {
            expired += catalog::app::stock::expire(&app.state).await.unwrap_or_else(|e| panic!("{e}"));
            if stock_of(&app, &product).await == 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(expired <= 1);
        assert_eq!(stock_of(&app, &product).await, 5);
        let read = json_body(app.send(app.http.get(app.url(&format!("/reservations/{held}"))).bearer_auth(&admin.token)).await).await;
        assert_eq!(read["status"], "expired");
        assert_problem(app.post(&admin, &format!("/reservations/{held}/commit"), &json!({})).await, StatusCode::CONFLICT).await;
        assert_eq!(app.post(&admin, &format!("/reservations/{held}/release"), &json!({})).await.status(), StatusCode::OK);
        assert_eq!(stock_of(&app, &product).await, 5, "releasing an expired reservation returns nothing twice");
        assert_eq!(catalog::app::stock::expire(&app.state).await.unwrap_or_else(|e| panic!("{e}")), 0);
    }
}

async fn race(app: &TestApp, product: &str, buyers: usize) -> usize {
    let admin = app.user(Role::Admin);
    let attempts = (0..buyers).map(|_| {
        let request = order(&[(product, 1)]);
        let admin = admin.clone();
        async move { app.post(&admin, "/reservations", &request).await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    for status in &statuses {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    statuses
        .iter()
        .filter(|status| **status == StatusCode::CREATED)
        .count()
}

backend_test! {
    async fn fifty_buyers_of_the_last_item_leave_exactly_one_reservation_and_no_negative_stock(backend) {
        let app = spawn_app(backend).await;
        let product = stocked(&app, 1).await;
        assert_eq!(race(&app, &product, 50).await, 1);
        assert_eq!(stock_of(&app, &product).await, 0);
    }
}

backend_test! {
    async fn fifty_buyers_of_ten_items_leave_exactly_ten_reservations(backend) {
        let app = spawn_app(backend).await;
        let product = stocked(&app, 10).await;
        assert_eq!(race(&app, &product, 50).await, 10);
        assert_eq!(stock_of(&app, &product).await, 0);
    }
}

backend_test! {
    async fn stock_adjustments_are_recorded_and_never_go_below_zero(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let owner = app.user(Role::Seller);
        let product = text(&app.product(&owner, book(&books, "The Sea", 1299)).await["id"]);
        let path = format!("/products/{product}/stock");
        let added = app.post(&owner, &path, &json!({"delta": 7, "reason": "delivery"})).await;
        assert_eq!(added.status(), StatusCode::OK);
        assert_eq!(json_body(added).await["stock"], 12);
        // The orders service returns a cancelled order's units.
        let returned = app.post(&app.user(Role::Service), &path, &json!({"delta": 1, "reason": "order cancelled"})).await;
        assert_eq!(json_body(returned).await["stock"], 13);
        let took_back = app.post(&app.user(Role::Service), &path, &json!({"delta": -1, "reason": "correction"})).await;
        assert_eq!(json_body(took_back).await["stock"], 12);
        let admin = app.user(Role::Admin);
        assert_eq!(app.post(&admin, &path, &json!({"delta": -2, "reason": "breakage"})).await.status(), StatusCode::OK);
        assert_problem(app.post(&admin, &path, &json!({"delta": -11, "reason": "too many"})).await, StatusCode::CONFLICT).await;
        for bad in [json!({"delta": 0, "reason": "x"}), json!({"delta": 1, "reason": ""}), json!({"delta": 1}), json!({"delta": 1, "reason": "x", "stock": 5})] {
            assert_problem(app.post(&admin, &path, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        for user in [app.user(Role::Seller), app.user(Role::Customer)] {
            assert_problem(app.post(&user, &path, &json!({"delta": 1, "reason": "mine"})).await, StatusCode::FORBIDDEN).await;
        }
        assert_eq!(stock_of(&app, &product).await, 10);
        let database = platform::db::Database::connect(&app.database.config).await.unwrap_or_else(|e| panic!("{e}"));
        let recorded: Vec<(i64, String, i64)> = sqlx::query_as("SELECT delta, reason, stock_after FROM stock_adjustments ORDER BY id")
            .fetch_all(database.pool()).await.unwrap_or_else(|e| panic!("{e}"));
        let expected = [(7, "delivery", 12), (1, "order cancelled", 13), (-1, "correction", 12), (-2, "breakage", 10)];
        assert_eq!(recorded, expected.map(|(delta, reason, after)| (delta, reason.to_owned(), after)));
        // The history, newest first, for the owner and administrators only.
        let history = json_body(app.get(&owner, &path).await).await;
        let seen: Vec<(i64, String, i64)> = history.as_array().into_iter().flatten()
            .map(|a| (a["delta"].as_i64().unwrap_or_default(), text(&a["reason"]), a["stock_after"].as_i64().unwrap_or_default()))
            .collect();
        let mut newest_first = expected.map(|(delta, reason, after)| (delta, reason.to_owned(), after)).to_vec();
        newest_first.reverse();
        assert_eq!(seen, newest_first);
        assert_eq!(history[0]["actor_id"], admin.id.to_string());
        assert_eq!(app.get(&admin, &path).await.status(), StatusCode::OK);
        for user in [app.user(Role::Seller), app.user(Role::Customer)] {
            assert_problem(app.get(&user, &path).await, StatusCode::FORBIDDEN).await;
        }
        assert_problem(app.get(&admin, &format!("/products/{}/stock", uuid::Uuid::now_v7())).await, StatusCode::NOT_FOUND).await;
    }
}

backend_test! {
    async fn an_adjustment_with_a_reference_is_applied_once_however_often_it_is_sent(backend) {
        // The orders service returning a refunded order's units, stopped after the catalog's
        // answer and before it marked the line, sends the same return again.
        let app = spawn_app(backend).await;
        let product = stocked(&app, 5).await;
        let path = format!("/products/{product}/stock");
        let service = app.user(Role::Service);
        let give_back = json!({"delta": 2, "reason": "order refunded", "reference": "order:1:refund"});
        for _ in 0..3 {
            let answer = app.post(&service, &path, &give_back).await;
            assert_eq!(answer.status(), StatusCode::OK);
            assert_eq!(json_body(answer).await["stock"], 7);
        }
        // At once, too: one of ten applies.
        let other = json!({"delta": 1, "reason": "order refunded", "reference": "order:2:refund"});
        let answers = futures::future::join_all((0..10).map(|_| app.post(&service, &path, &other))).await;
        assert!(answers.iter().all(|answer| answer.status() == StatusCode::OK));
        assert_eq!(stock_of(&app, &product).await, 8);
        // The same reference on another product is another adjustment; none is the old way.
        let second = stocked(&app, 1).await;
        let second_path = format!("/products/{second}/stock");
        assert_eq!(json_body(app.post(&service, &second_path, &give_back).await).await["stock"], 3);
        let plain = json!({"delta": 1, "reason": "delivery"});
        app.post(&service, &path, &plain).await;
        assert_eq!(json_body(app.post(&service, &path, &plain).await).await["stock"], 10);
        let history = json_body(app.get(&app.user(Role::Admin), &path).await).await;
        assert_eq!(history.as_array().map(Vec::len), Some(4), "{history}");
        for bad in ["", &"x".repeat(101)] {
            let body = json!({"delta": 1, "reason": "x", "reference": bad});
            assert_problem(app.post(&service, &path, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
}

//! `/products/{id}` and `POST /products`: who may write, what is valid, versions, archiving.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

backend_test! {
    async fn sellers_and_admins_list_products_and_everyone_reads_them(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let made = app.product(&seller, book(&books, "The Sea", 1299)).await;
        assert_eq!(made["seller_id"], seller.id.to_string());
        assert_eq!(made["attributes"]["isbn"], "9780306406157");
        assert_eq!(made["status"], "active");
        assert!(made["rating_average"].is_null());
        assert_eq!(made["rating_count"], 0);
        let house = app.product(&app.user(Role::Admin), book(&books, "The Shore", 999)).await;
        assert!(house["seller_id"].is_null());
        for role in [Role::Customer, Role::Agent] {
            let refused = app.post(&app.user(role), "/products", &book(&books, "Nope", 1)).await;
            assert_problem(refused, StatusCode::FORBIDDEN).await;
        }
        let anonymous = app.send(app.http.post(app.url("/products")).json(&book(&books, "Nope", 1))).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
        let read = app.get(Anonymous, &format!("/products/{}", text(&made["id"]))).await;
        assert_eq!(read.status(), StatusCode::OK);
        assert_eq!(etag(&read), "\"1\"");
        assert_eq!(json_body(read).await["name"], "The Sea");
        assert_problem(app.get(Anonymous, &format!("/products/{}", uuid::Uuid::now_v7())).await, StatusCode::NOT_FOUND).await;
    }
}

backend_test! {
    async fn a_seller_changes_and_archives_only_its_own_products(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let owner = app.user(Role::Seller);
        let other = app.user(Role::Seller);
        let admin = app.user(Role::Admin);
        let product = app.product(&owner, book(&books, "The Sea", 1299)).await;
        let path = format!("/products/{}", text(&product["id"]));
        for user in [&other, &app.user(Role::Customer), &app.user(Role::Agent)] {
            assert_problem(app.patch(user, &path, &json!({"name": "Stolen"})).await, StatusCode::FORBIDDEN).await;
            assert_problem(app.delete(user, &path).await, StatusCode::FORBIDDEN).await;
        }
        let renamed = app.patch(&owner, &path, &json!({"name": "The Open Sea"})).await;
        assert_eq!(renamed.status(), StatusCode::OK);
        assert_eq!(etag(&renamed), "\"2\"");
        let repriced = app.patch(&admin, &path, &json!({"price": {"amount": 1499, "currency": "EUR"}})).await;
        assert_eq!(repriced.status(), StatusCode::OK);
        assert_eq!(app.delete(&owner, &path).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.delete(&owner, &path).await.status(), StatusCode::NO_CONTENT, "archiving twice is no error");
        let archived = json_body(app.get(Anonymous, &path).await).await;
        assert_eq!(archived["status"], "archived");
        assert_eq!(archived["name"], "The Open Sea");
        assert_problem(app.patch(&owner, &path, &json!({"name": "Back"})).await, StatusCode::CONFLICT).await;
    }
}

backend_test! {
    async fn a_stale_if_match_is_412_and_changes_nothing(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let product = app.product(&seller, book(&books, "The Sea", 1299)).await;
        let path = format!("/products/{}", text(&product["id"]));
        let first = app.send(app.http.patch(app.url(&path)).bearer_auth(&seller.token).header("if-match", "\"1\"").json(&json!({"name": "First"}))).await;
        assert_eq!(first.status(), StatusCode::OK);
        let second = app.send(app.http.patch(app.url(&path)).bearer_auth(&seller.token).header("if-match", "\"1\"").json(&json!({"name": "Second"}))).await;
        assert_problem(second, StatusCode::PRECONDITION_FAILED).await;
        let archive = app.send(app.http.delete(app.url(&path)).bearer_auth(&seller.token).header("if-match", "\"1\"")).await;
        assert_problem(archive, StatusCode::PRECONDITION_FAILED).await;
        let now = json_body(app.get(Anonymous, &path).await).await;
        assert_eq!(now["name"], "First");
        assert_eq!(now["status"], "active");
    }
}

backend_test! {
    async fn invalid_products_are_422_naming_every_bad_field_and_store_nothing(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let cases: Vec<(Value, &str)> = vec![
            (json!({"attributes": {"author": "A", "isbn": "978-0-306-40615-8"}}), "attributes.isbn"),
            (json!({"price": {"amount": -1, "currency": "EUR"}}), "price.amount"),
            (json!({"price": {"amount": 100, "currency": "DOGE"}}), "price.currency"),
            (json!({"name": "x".repeat(201)}), "name"),
            (json!({"name": ""}), "name"),
            (json!({"description": "x".repeat(5001)}), "description"),
            (json!({"stock": -1}), "stock"),
            (json!({"stock": 1_000_001}), "stock"),
            (json!({"tags": ["two words"]}), "tags"),
            (json!({"images": ["ftp://example.com/a.jpg"]}), "images"),
            (json!({"attributes": {"author": "", "isbn": "9780306406157"}}), "attributes.author"),
            (json!({"attributes": {"author": "A", "isbn": "9780306406157", "year": 1200}}), "attributes.year"),
        ];
        for (change, field) in cases {
            let mut body = book(&books, "The Sea", 1299);
            for (key, value) in change.as_object().into_iter().flatten() {
                body[key] = value.clone();
            }
            let problem = assert_problem(app.post(&seller, "/products", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(error_fields(&problem).contains(&field.to_owned()), "{field}: {problem}");
        }
        let mut unknown_category = book(&books, "The Sea", 1299);
        unknown_category["category_id"] = json!(uuid::Uuid::now_v7());
        let problem = assert_problem(app.post(&seller, "/products", &unknown_category).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["category_id"]);
        // Fields a caller does not own are unknown fields.
        for (key, value) in [("seller_id", json!(seller.id)), ("rating_average", json!(5)), ("status", json!("archived")), ("rating_count", json!(100))] {
            let mut body = book(&books, "The Sea", 1299);
            body[key] = value;
            assert_problem(app.post(&seller, "/products", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let listed = json_body(app.get(Anonymous, "/products").await).await;
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(0), "a refused product was stored");
        let refused = app.published().await.iter().filter(|(kind, _)| kind.contains("product")).count();
        assert_eq!(refused, 0);
    }
}

backend_test! {
    async fn a_pet_is_one_animal_whose_stock_follows_its_status(backend) {
        let app = spawn_app(backend).await;
        let pets = app.category("Pets", None).await;
        let seller = app.user(Role::Seller);
        let cat = app.product(&seller, pet(&pets, "Mishi")).await;
        assert_eq!(cat["stock"], 1);
        assert_eq!(cat["pet_status"], "available");
        let mut two = pet(&pets, "Twins");
        two["stock"] = json!(2);
        assert_problem(app.post(&seller, "/products", &two).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let path = format!("/products/{}", text(&cat["id"]));
        // Stock moves by adjustments and reservations, never by overwriting.
        assert_problem(app.patch(&seller, &path, &json!({"stock": 3})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_problem(app.patch(&seller, &path, &json!({"pet_status": "sold"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let twice = app.post(&seller, &format!("{path}/stock"), &json!({"delta": 1, "reason": "a twin?"})).await;
        assert_problem(twice, StatusCode::CONFLICT).await;
        let sold = app.post(&seller, &format!("{path}/stock"), &json!({"delta": -1, "reason": "adopted at the fair"})).await;
        assert_eq!(sold.status(), StatusCode::OK);
        let sold = json_body(sold).await;
        assert_eq!(sold["stock"], 0);
        assert_eq!(sold["pet_status"], "sold");
        let mut bad_pet = pet(&pets, "Rex");
        bad_pet["attributes"] = json!({"species": "dog", "age_months": 900, "sex": "robot"});
        let problem = assert_problem(app.post(&seller, "/products", &bad_pet).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["attributes.age_months", "attributes.sex"]);
    }
}

backend_test! {
    async fn changes_are_published_with_price_changes_stock_running_out_and_archiving(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let product = app.product(&seller, book(&books, "The Sea", 1299)).await;
        let id = text(&product["id"]);
        let path = format!("/products/{id}");
        assert_eq!(app.patch(&seller, &path, &json!({"price": {"amount": 999, "currency": "EUR"}})).await.status(), StatusCode::OK);
        let emptied = app.post(&seller, &format!("{path}/stock"), &json!({"delta": -5, "reason": "water damage"})).await;
        assert_eq!(emptied.status(), StatusCode::OK);
        assert_eq!(app.delete(&seller, &path).await.status(), StatusCode::NO_CONTENT);
        let kinds: Vec<String> = app.published().await.into_iter()
            .filter(|(_, data)| data["product_id"] == id.as_str())
            .map(|(kind, _)| kind)
            .collect();
        assert_eq!(kinds, [
            "tienda.catalog.product.created.v1",
            "tienda.catalog.product.updated.v1",
            "tienda.catalog.product.price_changed.v1",
            "tienda.catalog.product.stock_depleted.v1",
            "tienda.catalog.product.archived.v1",
        ]);
    }
}

backend_test! {
    async fn a_caller_of_another_role_gets_403_before_its_body_is_read(backend) {
        let app = spawn_app(backend).await;
        let customer = app.user(Role::Customer);
        // Neither an empty body nor a malformed one tells a customer what a product needs.
        for body in [json!({}), json!({"name": 3})] {
            assert_problem(app.post(&customer, "/products", &body).await, StatusCode::FORBIDDEN).await;
            assert_problem(app.post(&customer, "/categories", &body).await, StatusCode::FORBIDDEN).await;
        }
        let seller = app.user(Role::Seller);
        assert_problem(app.post(&seller, "/categories", &json!({})).await, StatusCode::FORBIDDEN).await;
        // The roles that may are still told what is wrong.
        let problem = assert_problem(app.post(&seller, "/products", &json!({})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(!error_fields(&problem).is_empty());
    }
}

backend_test! {
    async fn a_price_in_another_currency_than_the_shops_is_refused_when_listed_or_changed(backend) {
        // A shop in Colombian pesos: a seller who types euros learns it at once, not at checkout.
        let app = spawn_app_with(backend, |config| config.currency = "COP".to_owned()).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let problem = assert_problem(app.post(&seller, "/products", &book(&books, "The Sea", 1500)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["price.currency"]);
        assert_eq!(platform::testing::error_code(&problem, "price.currency").as_deref(), Some("not_shop_currency"));
        let mut in_pesos = book(&books, "The Sea", 4_500_000);
        in_pesos["price"]["currency"] = json!("COP");
        let listed = app.product(&seller, in_pesos).await;
        let path = format!("/products/{}", text(&listed["id"]));
        let change = app.patch(&seller, &path, &json!({"price": {"amount": 1500, "currency": "EUR"}})).await;
        let problem = assert_problem(change, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["price.currency"]);
        let kept = json_body(app.get(Anonymous, &path).await).await;
        assert_eq!(kept["price"], json!({"amount": 4_500_000, "currency": "COP"}));
    }
}

//! `/products/{id}/reviews`: one per user, bounded, and the product's average kept right.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn a_book(app: &TestApp) -> String {
    let books = app.category("Books", None).await;
    text(
        &app.product(&app.user(Role::Admin), book(&books, "The Sea", 1299))
            .await["id"],
    )
}

backend_test! {
    async fn a_user_reviews_a_product_once_and_changes_or_deletes_it(backend) {
        let app = spawn_app(backend).await;
        let product = a_book(&app).await;
        let path = format!("/products/{product}/reviews");
        let customer = app.user(Role::Customer);
        let written = app.post(&customer, &path, &json!({"rating": 4, "comment": "Good read."})).await;
        assert_eq!(written.status(), StatusCode::CREATED);
        let review = text(&json_body(written).await["id"]);
        let twice = app.post(&customer, &path, &json!({"rating": 5})).await;
        let problem = assert_problem(twice, StatusCode::CONFLICT).await;
        assert_eq!(problem["existing"], format!("/api/catalog/products/{product}/reviews/{review}"));
        let other = app.user(Role::Customer);
        assert_problem(app.patch(&other, &format!("{path}/{review}"), &json!({"rating": 1})).await, StatusCode::FORBIDDEN).await;
        assert_problem(app.delete(&other, &format!("{path}/{review}")).await, StatusCode::FORBIDDEN).await;
        let changed = app.patch(&customer, &format!("{path}/{review}"), &json!({"rating": 2})).await;
        assert_eq!(json_body(changed).await["rating"], 2);
        let shown = json_body(app.get(Anonymous, &format!("/products/{product}")).await).await;
        assert_eq!((shown["rating_average"].clone(), shown["rating_count"].clone()), (json!(2.0), json!(1)));
        let admin = app.user(Role::Admin);
        assert_problem(app.patch(&admin, &format!("{path}/{review}"), &json!({"rating": 5})).await, StatusCode::FORBIDDEN).await;
        assert_eq!(app.delete(&admin, &format!("{path}/{review}")).await.status(), StatusCode::NO_CONTENT);
        assert_problem(app.delete(&customer, &format!("{path}/{review}")).await, StatusCode::NOT_FOUND).await;
        let shown = json_body(app.get(Anonymous, &format!("/products/{product}")).await).await;
        assert!(shown["rating_average"].is_null());
        assert_eq!(shown["rating_count"], 0);
        // Deleted, the user may review again.
        assert_eq!(app.post(&customer, &path, &json!({"rating": 5})).await.status(), StatusCode::CREATED);
    }
}

backend_test! {
    async fn bad_reviews_are_422_anonymous_ones_401_and_unknown_products_404(backend) {
        let app = spawn_app(backend).await;
        let product = a_book(&app).await;
        let path = format!("/products/{product}/reviews");
        let customer = app.user(Role::Customer);
        for bad in [json!({"rating": 0}), json!({"rating": 6}), json!({"rating": 4.5}), json!({"rating": 4, "comment": "x".repeat(2001)}), json!({"rating": 4, "author_id": customer.id})] {
            assert_problem(app.post(&customer, &path, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let anonymous = app.send(app.http.post(app.url(&path)).json(&json!({"rating": 5}))).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
        let missing = format!("/products/{}/reviews", uuid::Uuid::now_v7());
        assert_problem(app.post(&customer, &missing, &json!({"rating": 5})).await, StatusCode::NOT_FOUND).await;
        assert_problem(app.get(Anonymous, &missing).await, StatusCode::NOT_FOUND).await;
        let listed = json_body(app.get(Anonymous, &path).await).await;
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
    }
}

backend_test! {
    async fn the_average_is_right_after_thirty_concurrent_reviews(backend) {
        let app = spawn_app(backend).await;
        let product = a_book(&app).await;
        let path = format!("/products/{product}/reviews");
        let writes = (0..30).map(|n| {
            let user = app.user(Role::Customer);
            let path = path.clone();
            let app = &app;
            async move { app.post(&user, &path, &json!({"rating": 1 + n % 5})).await.status() }
        });
        let statuses = futures::future::join_all(writes).await;
        assert!(statuses.iter().all(|status| *status == StatusCode::CREATED), "{statuses:?}");
        let shown = json_body(app.get(Anonymous, &format!("/products/{product}")).await).await;
        assert_eq!(shown["rating_count"], 30);
        assert_eq!(shown["rating_average"], 3.0);
        // Paged, newest first, every review once.
        let mut seen = std::collections::HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let query = cursor.as_ref().map(|c| format!("?limit=7&cursor={c}")).unwrap_or_else(|| "?limit=7".into());
            let page = json_body(app.get(Anonymous, &format!("{path}{query}")).await).await;
            for item in page["items"].as_array().into_iter().flatten() {
                assert!(seen.insert(text(&item["id"])));
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 30);
    }
}

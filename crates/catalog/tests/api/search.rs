//! `GET /products`: full-text search, filters, orders and cursors; and the API document.

use std::collections::HashSet;

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| text(&item["name"]))
        .collect()
}

async fn page(app: &TestApp, query: &str) -> Value {
    let response = app.get(Anonymous, &format!("/products?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    json_body(response).await
}

backend_test! {
    async fn text_search_finds_words_in_names_descriptions_authors_and_tags(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        app.product(&seller, book(&books, "Moby Dick", 1299)).await;
        let mut tolkien = book(&books, "The Hobbit", 1599);
        tolkien["attributes"]["author"] = json!("J. R. R. Tolkien");
        tolkien["tags"] = json!(["fantasy", "dragons"]);
        app.product(&seller, tolkien).await;
        let mut whales = book(&books, "Sea Stories", 899);
        whales["description"] = json!("Tales of whales and sailors.");
        app.product(&seller, whales).await;
        assert_eq!(names(&page(&app, "q=moby").await), ["Moby Dick"]);
        assert_eq!(names(&page(&app, "q=tolkien").await), ["The Hobbit"]);
        assert_eq!(names(&page(&app, "q=dragons").await), ["The Hobbit"]);
        assert_eq!(names(&page(&app, "q=whale").await), ["Sea Stories"], "words match as prefixes");
        assert_eq!(names(&page(&app, "q=HOBBIT%20fantasy").await), ["The Hobbit"]);
        assert!(names(&page(&app, "q=hobbit%20whales").await).is_empty(), "every word must match");
        assert!(names(&page(&app, "q=submarine").await).is_empty());
        // Operators and quotes are words, not syntax.
        assert_eq!(names(&page(&app, "q=%22moby%22%20OR%20*").await), Vec::<String>::new());
        for bad in ["q=%2A%2A%2A", "q=%00", "sort=relevance", "sort=cheapest", "min_price=-1", "min_price=10&max_price=5", "tag=two%20words", "kind=car", "category=nope", "limit=0", "limit=101", "cursor=bm9wZQ"] {
            let response = app.get(Anonymous, &format!("/products?{bad}")).await;
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
}

backend_test! {
    async fn filters_combine_and_a_category_includes_its_descendants(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let fiction = app.category("Fiction", Some(&books)).await;
        let fantasy = app.category("Fantasy", Some(&fiction)).await;
        let pets = app.category("Pets", None).await;
        let seller = app.user(Role::Seller);
        let other = app.user(Role::Seller);
        app.product(&seller, book(&books, "Atlas", 3000)).await;
        app.product(&seller, book(&fiction, "Novel", 1500)).await;
        let mut dragons = book(&fantasy, "Dragons", 2500);
        dragons["tags"] = json!(["fantasy"]);
        app.product(&other, dragons).await;
        let mut gone = book(&fantasy, "Sold Out", 2000);
        gone["stock"] = json!(0);
        app.product(&seller, gone).await;
        app.product(&seller, pet(&pets, "Mishi")).await;
        let archived = app.product(&seller, book(&fantasy, "Archived", 2200)).await;
        app.delete(&seller, &format!("/products/{}", text(&archived["id"]))).await;
        let mut under_fiction = names(&page(&app, &format!("category={fiction}")).await);
        under_fiction.sort();
        assert_eq!(under_fiction, ["Dragons", "Novel", "Sold Out"]);
        assert_eq!(names(&page(&app, "kind=pet").await), ["Mishi"]);
        assert_eq!(names(&page(&app, &format!("category={books}&min_price=1600&max_price=2600&in_stock=true")).await), ["Dragons"]);
        assert_eq!(names(&page(&app, &format!("category={books}&in_stock=false")).await), ["Sold Out"]);
        assert_eq!(names(&page(&app, "tag=fantasy&kind=book").await), ["Dragons"]);
        assert_eq!(names(&page(&app, &format!("seller={}", other.id)).await), ["Dragons"]);
        assert_eq!(names(&page(&app, &format!("category={books}&sort=price_asc")).await), ["Novel", "Sold Out", "Dragons", "Atlas"]);
        assert_eq!(names(&page(&app, &format!("category={books}&sort=price_desc")).await), ["Atlas", "Dragons", "Sold Out", "Novel"]);
        assert_eq!(names(&page(&app, &format!("category={books}")).await), ["Sold Out", "Dragons", "Novel", "Atlas"], "newest first");
        assert!(names(&page(&app, &format!("category={}", uuid::Uuid::now_v7())).await).is_empty());
    }
}

backend_test! {
    async fn paging_walks_every_product_exactly_once_while_products_are_added(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let seller = app.user(Role::Seller);
        let mut expected = HashSet::new();
        for n in 0..23 {
            let made = app.product(&seller, book(&books, &format!("Book {n:02}"), 1000 + (n % 5) * 100)).await;
            expected.insert(text(&made["id"]));
        }
        for order in ["sort=newest", "sort=price_asc", "sort=price_desc", "sort=rating", "q=book"] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            let mut added = 0;
            loop {
                let query = match &cursor {
                    Some(cursor) => format!("{order}&limit=5&cursor={cursor}"),
                    None => format!("{order}&limit=5"),
                };
                let body = page(&app, &query).await;
                seen.extend(body["items"].as_array().into_iter().flatten().map(|item| text(&item["id"])));
                // Someone lists a product between our pages.
                app.product(&seller, book(&books, &format!("Book late {order} {added}"), 1200)).await;
                added += 1;
                match body["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            let unique: HashSet<String> = seen.iter().cloned().collect();
            assert_eq!(unique.len(), seen.len(), "{order}: a product came twice");
            assert!(expected.is_subset(&unique), "{order}: a product was skipped");
            expected = unique;
        }
        // A cursor of one order is refused by another.
        let body = page(&app, "sort=price_asc&limit=1").await;
        let cursor = text(&body["next_cursor"]);
        assert_problem(app.get(Anonymous, &format!("/products?sort=newest&cursor={cursor}")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
}

/// Every route the catalog serves, as (method, path template).
const ROUTES: [(&str, &str); 18] = [
    ("get", "/api/catalog/categories"),
    ("post", "/api/catalog/categories"),
    ("get", "/api/catalog/categories/{id}"),
    ("patch", "/api/catalog/categories/{id}"),
    ("delete", "/api/catalog/categories/{id}"),
    ("get", "/api/catalog/products"),
    ("post", "/api/catalog/products"),
    ("get", "/api/catalog/products/{id}"),
    ("patch", "/api/catalog/products/{id}"),
    ("post", "/api/catalog/products/{id}/stock"),
    ("get", "/api/catalog/products/{id}/stock"),
    ("get", "/api/catalog/products/{id}/reviews"),
    ("post", "/api/catalog/products/{id}/reviews"),
    ("patch", "/api/catalog/products/{id}/reviews/{review_id}"),
    ("delete", "/api/catalog/products/{id}/reviews/{review_id}"),
    ("post", "/api/catalog/reservations"),
    ("get", "/api/catalog/reservations/{id}"),
    ("post", "/api/catalog/reservations/{id}/commit"),
];

backend_test! {
    async fn every_route_is_documented_and_every_documented_route_is_served(backend) {
        let app = spawn_app(backend).await;
        let document = json_body(app.send(app.http.get(format!("{}/api/openapi.json", app.origin()))).await).await;
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m.clone()) {
                documented.push((method, path.clone()));
            }
        }
        documented.sort();
        let mut expected: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        expected.push(("delete".into(), "/api/catalog/products/{id}".into()));
        expected.push(("post".into(), "/api/catalog/reservations/{id}/release".into()));
        expected.sort();
        assert_eq!(documented, expected);
        let admin = app.user(Role::Admin);
        for (method, path) in &expected {
            let url = format!("{}{}", app.origin(), path.replace("{id}", &uuid::Uuid::now_v7().to_string()).replace("{review_id}", &uuid::Uuid::now_v7().to_string()));
            let request = match method.as_str() {
                "get" => app.http.get(&url),
                "post" => app.http.post(&url).json(&json!({})),
                "patch" => app.http.patch(&url).json(&json!({})),
                _ => app.http.delete(&url),
            };
            let status = app.send(request.bearer_auth(&admin.token)).await.status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(status != StatusCode::NOT_FOUND || path.contains("{id}"), "{method} {path}: {status}");
        }
    }
}

//! `/categories`: the tree, its administration, and its rules.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn an_admin_builds_a_tree_that_anyone_reads_as_a_tree_or_flat(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let fiction = app.category("Fiction", Some(&books)).await;
        app.category("Pets", None).await;
        let tree = json_body(app.get(Anonymous, "/categories").await).await;
        let items = tree["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["name"], "Books");
        assert_eq!(items[0]["children"][0]["id"], fiction.as_str());
        let flat = json_body(app.get(Anonymous, "/categories?flat=true").await).await;
        let flat = flat["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(flat.len(), 3);
        let found = flat.iter().find(|c| c["id"] == fiction.as_str()).cloned().unwrap_or_default();
        assert_eq!(found["parent_id"], books.as_str());
        assert!(found.get("children").is_none());
        let one = app.get(Anonymous, &format!("/categories/{fiction}")).await;
        assert_eq!(one.status(), StatusCode::OK);
        assert_eq!(etag(&one), "\"1\"");
        assert_problem(app.get(Anonymous, &format!("/categories/{}", uuid::Uuid::now_v7())).await, StatusCode::NOT_FOUND).await;
        assert_problem(app.get(Anonymous, "/categories/not-an-id").await, StatusCode::NOT_FOUND).await;
    }
}

backend_test! {
    async fn names_are_unique_among_siblings_only_ignoring_case(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let books = app.category("Books", None).await;
        let pets = app.category("Pets", None).await;
        app.category("Classics", Some(&books)).await;
        // Same name under another parent: fine.
        app.category("Classics", Some(&pets)).await;
        let twice = app.post(&admin, "/categories", &json!({"name": " CLASSICS ", "parent_id": books})).await;
        let problem = assert_problem(twice, StatusCode::CONFLICT).await;
        assert!(problem["existing"].as_str().is_some_and(|p| p.starts_with("/api/catalog/categories/")), "{problem}");
        let root_twice = app.post(&admin, "/categories", &json!({"name": "books"})).await;
        assert_problem(root_twice, StatusCode::CONFLICT).await;
    }
}

backend_test! {
    async fn only_admins_write_categories_and_bad_input_is_422(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        for role in [Role::Customer, Role::Seller, Role::Agent] {
            let user = app.user(role);
            assert_problem(app.post(&user, "/categories", &json!({"name": "X"})).await, StatusCode::FORBIDDEN).await;
        }
        let anonymous = app.send(app.http.post(app.url("/categories")).json(&json!({"name": "X"}))).await;
        assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
        for (body, field) in [
            (json!({"name": ""}), "name"),
            (json!({"name": "x".repeat(101)}), "name"),
            (json!({"name": "X", "parent_id": uuid::Uuid::now_v7()}), "parent_id"),
        ] {
            let problem = assert_problem(app.post(&admin, "/categories", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(error_fields(&problem), [field], "{body}");
        }
        let unknown = app.post(&admin, "/categories", &json!({"name": "X", "slug": "x"})).await;
        assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
        let tree = json_body(app.get(Anonymous, "/categories?flat=true").await).await;
        assert_eq!(tree["items"].as_array().map(Vec::len), Some(0), "a refused write stored something");
    }
}

backend_test! {
    async fn a_category_is_renamed_and_moved_but_never_inside_itself(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let a = app.category("A", None).await;
        let b = app.category("B", Some(&a)).await;
        let c = app.category("C", Some(&b)).await;
        let cycle = app.patch(&admin, &format!("/categories/{a}"), &json!({"parent_id": c})).await;
        let problem = assert_problem(cycle, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_code(&problem, "parent_id").as_deref(), Some("cycle"));
        let itself = app.patch(&admin, &format!("/categories/{a}"), &json!({"parent_id": a})).await;
        assert_problem(itself, StatusCode::UNPROCESSABLE_ENTITY).await;
        let moved = app.patch(&admin, &format!("/categories/{c}"), &json!({"parent_id": null, "name": "Top C"})).await;
        assert_eq!(moved.status(), StatusCode::OK);
        let moved = json_body(moved).await;
        assert!(moved["parent_id"].is_null());
        assert_eq!(moved["name"], "Top C");
        // A stale If-Match is 412 and changes nothing.
        let stale = app.send(app.http.patch(app.url(&format!("/categories/{b}"))).bearer_auth(&admin.token).header("if-match", "\"9\"").json(&json!({"name": "Z"}))).await;
        assert_problem(stale, StatusCode::PRECONDITION_FAILED).await;
        assert_eq!(json_body(app.get(Anonymous, &format!("/categories/{b}")).await).await["name"], "B");
        let seller = app.user(Role::Seller);
        assert_problem(app.patch(&seller, &format!("/categories/{b}"), &json!({"name": "Mine"})).await, StatusCode::FORBIDDEN).await;
    }
}

backend_test! {
    async fn a_category_holding_products_or_categories_cannot_be_deleted(backend) {
        let app = spawn_app(backend).await;
        let admin = app.user(Role::Admin);
        let books = app.category("Books", None).await;
        let fiction = app.category("Fiction", Some(&books)).await;
        let product = app.product(&admin, book(&fiction, "The Sea", 1299)).await;
        assert_problem(app.delete(&admin, &format!("/categories/{books}")).await, StatusCode::CONFLICT).await;
        assert_problem(app.delete(&admin, &format!("/categories/{fiction}")).await, StatusCode::CONFLICT).await;
        // Archived products still hold their category: old orders resolve them.
        let archived = app.delete(&admin, &format!("/products/{}", text(&product["id"]))).await;
        assert_eq!(archived.status(), StatusCode::NO_CONTENT);
        assert_problem(app.delete(&admin, &format!("/categories/{fiction}")).await, StatusCode::CONFLICT).await;
        let empty = app.category("Empty", None).await;
        assert_problem(app.delete(&app.user(Role::Seller), &format!("/categories/{empty}")).await, StatusCode::FORBIDDEN).await;
        assert_eq!(app.delete(&admin, &format!("/categories/{empty}")).await.status(), StatusCode::NO_CONTENT);
        assert_problem(app.delete(&admin, &format!("/categories/{empty}")).await, StatusCode::NOT_FOUND).await;
    }
}

backend_test! {
    async fn making_a_category_is_published(backend) {
        let app = spawn_app(backend).await;
        let books = app.category("Books", None).await;
        let published = app.published().await;
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].0, "tienda.catalog.category.created.v1");
        assert_eq!(published[0].1["category_id"], books.as_str());
        assert_eq!(published[0].1["name"], "Books");
    }
}

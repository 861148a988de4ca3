//! Home, listing and search, the product page.

use platform::backend_test;
use reqwest::StatusCode;

use crate::support::spawn_shop;

backend_test! {
    async fn the_home_page_shows_categories_new_products_and_a_search_box(backend) {
        let shop = spawn_shop(backend).await;
        let page = shop.visitor().get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.headers["content-type"].to_str().unwrap_or_default(),
            "text/html; charset=utf-8"
        );
        page.assert_says("Shop by category");
        page.assert_says("Children's books");
        page.assert_says("New in the shop");
        assert!(page.html.contains(r#"<form class="search" role="search" method="get" action="/products">"#));
        assert!(page.html.contains(r#"name="q""#));
        assert!(page.html.contains(r#"<main id="main""#), "a main landmark");
        assert!(page.html.contains(r#"<html lang="en">"#));
    }
}

backend_test! {
    async fn a_search_finds_the_book_and_filters_and_sorts_apply(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        let page = visitor.get("/products?q=quixote").await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("Results for “quixote”");
        page.assert_says("Don Quixote");
        page.assert_says("Miguel de Cervantes");
        assert!(!page.says("Moby-Dick"), "only what matches");

        let pets = visitor.get("/products?kind=pet&sort=price_desc").await;
        assert_eq!(pets.status, StatusCode::OK);
        assert!(pets.html.contains(r#"<option value="pet" selected>"#));
        assert!(!pets.says("Don Quixote"), "no books among the pets");

        let cheap = visitor.get("/products?kind=book&max_price=9").await;
        assert!(cheap.says("Don Quixote"), "€8.99 is under €9");
        assert!(!cheap.says("Moby-Dick"), "€14.99 is not");

        let bad = visitor.get("/products?min_price=cheap").await;
        assert_eq!(bad.status, StatusCode::OK);
        bad.assert_says("Write a price such as 12.50.");
        assert!(bad.html.contains(r#"aria-invalid="true""#));

        let odd = visitor.get("/products?q=a&q=b&sort=%00").await;
        assert_eq!(odd.status, StatusCode::OK, "a query no form sends lists everything");
    }
}

backend_test! {
    async fn the_listing_pages_forward_and_back(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        let first = visitor.get("/products?sort=price_asc").await;
        let next = first
            .html
            .split(r#"<a rel="next" href=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no next page:\n{}", first.html))
            .replace("&#38;", "&");
        let second = visitor.get(&next).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_ne!(first.html, second.html);
        let previous = second
            .html
            .split(r#"<a rel="prev" href=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no previous page:\n{}", second.html))
            .replace("&#38;", "&");
        let back = visitor.get(&previous).await;
        let names = |html: &str| -> Vec<String> {
            html.split("class=\"card-name\">").skip(1).map(|s| s.split('<').next().unwrap_or_default().to_owned()).collect()
        };
        assert_eq!(names(&back.html), names(&first.html), "previous shows the first page again");
    }
}

backend_test! {
    async fn the_product_page_shows_the_attributes_of_its_kind_and_the_add_to_cart_form(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let page = shop.visitor().get(&format!("/products/{book}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("Don Quixote");
        page.assert_says("€8.99");
        for label in ["Author", "ISBN", "Publisher"] {
            assert!(page.html.contains(&format!("<dt>{label}</dt>")), "{label}");
        }
        assert!(page.html.contains(r#"action="/cart/items""#));
        assert_eq!(page.field("product_id").as_deref(), Some(book.as_str()));
        assert!(page.html.contains(r#"name="quantity""#));
        assert!(page.html.contains(r#"<label for="quantity">"#), "the quantity has a label");
        page.assert_says("reviews");

        let pet = shop.product_id("labrador").await;
        let page = shop.visitor().get(&format!("/products/{pet}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for label in ["Species", "Breed", "Age"] {
            assert!(page.html.contains(&format!("<dt>{label}</dt>")), "{label}");
        }
    }
}

backend_test! {
    async fn an_unknown_product_is_a_404_page_in_the_layout_with_the_request_id(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        for path in [
            "/products/01a2305e-0000-7000-8000-000000000000",
            "/products/not-a-uuid",
            "/no/such/page",
        ] {
            let page = visitor.get(path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            page.assert_says("Page not found");
            let id = page.headers["x-request-id"].to_str().unwrap_or_default().to_owned();
            assert!(page.html.contains(&id), "the request id is on the page");
            assert!(page.html.contains("<header"), "in the site's layout");
        }
        let api = visitor.get("/api/no-such-service").await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert_eq!(
            api.headers["content-type"].to_str().unwrap_or_default(),
            "application/problem+json",
            "the API's own paths stay problem documents"
        );
    }
}

backend_test! {
    async fn a_customer_reviews_a_product_once_and_sees_it_at_once(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("moby").await;
        let path = format!("/products/{book}");
        let visitor = shop.visitor();
        let page = visitor.get(&path).await;
        assert!(!page.html.contains("/reviews\""), "no review form for a visitor");
        let refused = visitor
            .post(&format!("{path}/reviews"), &page.csrf(), &[("rating", "4"), ("comment", "Long.")])
            .await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER, "a visitor is asked to sign in");
        assert!(refused.location().starts_with("/login"));

        visitor.register("Ana Pérez").await;
        let page = visitor.get(&path).await;
        assert!(page.html.contains(&format!("action=\"{path}/reviews\"")), "the form for a customer");
        let bad = visitor.post(&format!("{path}/reviews"), &page.csrf(), &[("rating", "9")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_says("Choose a rating from 1 to 5.");
        let written = visitor
            .post(&format!("{path}/reviews"), &page.csrf(), &[("rating", "4"), ("comment", "A whale of a book.")])
            .await;
        assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.html);
        let page = visitor.get(&path).await;
        page.assert_says("Thank you for your review.");
        page.assert_says("A whale of a book.");
        page.assert_says("Ana Pérez");
        let again = visitor
            .post(&format!("{path}/reviews"), &page.csrf(), &[("rating", "5"), ("comment", "Again.")])
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        again.assert_says("You have already reviewed this product.");
    }
}

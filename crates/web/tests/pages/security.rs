//! CSRF, the origin check, the security headers, a service that is down.

use platform::backend_test;
use reqwest::StatusCode;

use crate::support::{Catalog, spawn_shop, spawn_shop_with};

backend_test! {
    async fn a_form_without_its_token_or_from_another_site_is_refused(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        let csrf = visitor.csrf().await;
        let fields = [("product_id", book.as_str()), ("quantity", "1")];

        let without = visitor.post_with("/cart/items", &fields, &[]).await;
        assert_eq!(without.status, StatusCode::FORBIDDEN);
        without.assert_says("Not allowed");

        let mut with_token = vec![("csrf", csrf.as_str())];
        with_token.extend_from_slice(&fields);
        let forged = visitor
            .post_with("/cart/items", &[("csrf", "AAAA"), ("product_id", &book)], &[])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        let other_session = shop.visitor().csrf().await;
        let stolen = visitor
            .post_with("/cart/items", &[("csrf", other_session.as_str()), ("product_id", &book)], &[])
            .await;
        assert_eq!(stolen.status, StatusCode::FORBIDDEN, "a token is bound to its session");

        let cross_site = visitor
            .post_with("/cart/items", &with_token, &[("sec-fetch-site", "cross-site")])
            .await;
        assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
        let other_origin = visitor
            .post_with("/cart/items", &with_token, &[("origin", "https://evil.example")])
            .await;
        assert_eq!(other_origin.status, StatusCode::FORBIDDEN);

        for path in ["/login", "/register", "/logout", "/language", "/checkout", "/account/profile", "/account/incidents"] {
            let page = visitor.post_with(path, &[("next", "/")], &[]).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        }
        visitor.get("/cart").await.assert_says("Your cart is empty.");

        let fine = visitor.post_with("/cart/items", &with_token, &[("sec-fetch-site", "same-origin")]).await;
        assert_eq!(fine.status, StatusCode::SEE_OTHER);
    }
}

backend_test! {
    async fn every_page_carries_the_security_headers(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        for path in ["/", "/products", "/cart", "/login", "/nowhere"] {
            let page = visitor.get(path).await;
            let header = |name: &str| page.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let csp = header("content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
            assert!(!header("referrer-policy").is_empty(), "{path}");
            assert!(header("cache-control").contains("no-store"), "{path}");
        }
        assert!(!visitor.get("/").await.html.contains("<script>"), "no inline script");
        let css = visitor.get("/static/site.css").await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.headers["cache-control"].to_str().unwrap_or_default().contains("max-age"));
    }
}

backend_test! {
    async fn a_service_that_is_down_is_a_503_page_with_the_request_id(backend) {
        let shop = spawn_shop_with(backend, Catalog::Down).await;
        let page = shop.visitor().get("/").await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
        page.assert_says("Back in a moment");
        assert!(page.headers.contains_key("retry-after"));
        let id = page.headers["x-request-id"].to_str().unwrap_or_default().to_owned();
        assert!(page.html.contains(&id));
        assert!(!page.html.contains("127.0.0.1:9"), "no internals");
        // The pages that do not need the catalog still work.
        assert_eq!(shop.visitor().get("/login").await.status, StatusCode::OK);
    }
}

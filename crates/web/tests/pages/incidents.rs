//! My incidents: opening one about an order, the conversation, rating; another customer's.

use platform::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, last_segment, spawn_shop};

backend_test! {
    async fn an_incident_about_an_order_opens_once_and_the_conversation_shows_no_internal_note(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        visitor.register("Ana Pérez").await;
        visitor.add_to_cart(&book, "1").await;
        let paid = visitor.checkout("4242 4242 4242 4242").await;
        let order = last_segment(&paid.location());

        let form = visitor.get(&format!("/account/incidents/new?order={order}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.field("related_id").as_deref(), Some(order.as_str()));
        for field in ["subject", "description", "category", "key"] {
            assert!(form.html.contains(&format!("name=\"{field}\"")), "{field}");
        }
        let fields = [
            ("key", form.field("key").unwrap_or_default()),
            ("related_kind", "order".to_owned()),
            ("related_id", order.clone()),
            ("category", "order".to_owned()),
            ("subject", "Where is my book?".to_owned()),
            ("description", "It has not arrived.".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let csrf = form.csrf();
        let (first, second) = tokio::join!(
            visitor.post("/account/incidents", &csrf, &fields),
            visitor.post("/account/incidents", &csrf, &fields),
        );
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        assert_eq!(second.status, StatusCode::SEE_OTHER);
        let incident = last_segment(&first.location());
        let list = visitor.get("/account/incidents").await;
        assert_eq!(list.html.matches("Where is my book?").count(), 1, "one incident:\n{}", list.html);

        let admin = shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let path = format!("/api/support/incidents/{incident}/comments");
        let (status, _) = shop.api(Method::POST, &admin, &path, Some(json!({"body": "It ships tomorrow."}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = shop.api(Method::POST, &admin, &path, Some(json!({"body": "Customer seems upset.", "internal": true}))).await;
        assert_eq!(status, StatusCode::CREATED);

        let page = visitor.get(&format!("/account/incidents/{incident}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("Where is my book?");
        page.assert_says("It has not arrived.");
        page.assert_says("It ships tomorrow.");
        assert!(!page.says("Customer seems upset."), "internal notes never appear");
        page.assert_says("About order");

        let reply = visitor
            .post(&format!("/account/incidents/{incident}/comments"), &page.csrf(), &[("body", "Thank you!")])
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        visitor.get(&format!("/account/incidents/{incident}")).await.assert_says("Thank you!");

        let empty = visitor
            .post(&format!("/account/incidents/{incident}/comments"), &page.csrf(), &[("body", "   ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, _) = shop
            .api(Method::POST, &admin, &format!("/api/support/incidents/{incident}/status"), Some(json!({"to": "resolved"})))
            .await;
        assert_eq!(status, StatusCode::OK);
        let page = visitor.get(&format!("/account/incidents/{incident}")).await;
        page.assert_says("How did we do?");
        let rated = visitor
            .post(&format!("/account/incidents/{incident}/rating"), &page.csrf(), &[("rating", "5"), ("comment", "Quick")])
            .await;
        assert_eq!(rated.status, StatusCode::SEE_OTHER);
        let page = visitor.get(&format!("/account/incidents/{incident}")).await;
        page.assert_says("You rated this 5 of 5.");
        assert!(!page.says("How did we do?"), "rated once");
    }
}

backend_test! {
    async fn another_customers_order_and_incident_are_404_pages(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let owner = shop.visitor();
        owner.register("Ana Pérez").await;
        owner.add_to_cart(&book, "1").await;
        let order = last_segment(&owner.checkout("4242 4242 4242 4242").await.location());
        let form = owner.get("/account/incidents/new").await;
        let opened = owner
            .post("/account/incidents", &form.csrf(), &[("key", &form.field("key").unwrap_or_default()), ("category", "other"), ("subject", "Hello"), ("description", "A question.")])
            .await;
        let incident = last_segment(&opened.location());

        let other = shop.visitor();
        other.register("Bruno Díaz").await;
        for path in [
            format!("/account/orders/{order}"),
            format!("/checkout/done/{order}"),
            format!("/account/incidents/{incident}"),
        ] {
            let page = other.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            page.assert_says("Page not found");
            assert!(!page.says("Don Quixote") && !page.says("A question."), "{path}");
        }
        let page = other.get(&format!("/account/orders/{order}")).await;
        let cancel = other.post(&format!("/account/orders/{order}/cancel"), &page.csrf(), &[]).await;
        assert_eq!(cancel.status, StatusCode::NOT_FOUND);
        let reply = other.post(&format!("/account/incidents/{incident}/comments"), &page.csrf(), &[("body", "mine now")]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
}

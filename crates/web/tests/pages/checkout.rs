//! The cart (a visitor's, merged at sign-in), checkout, the confirmation, my orders.

use platform::backend_test;
use reqwest::StatusCode;

use crate::support::{last_segment, spawn_shop};

backend_test! {
    async fn a_visitors_cart_is_kept_when_they_register(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        let empty = visitor.get("/cart").await;
        assert_eq!(empty.status, StatusCode::OK);
        empty.assert_says("Your cart is empty.");
        visitor.add_to_cart(&book, "2").await;
        let cart = visitor.get("/cart").await;
        cart.assert_says("Don Quixote");
        cart.assert_says("Subtotal (2 items)");
        cart.assert_says("€17.98");
        assert!(cart.html.contains(r#"name="delivery""#), "delivery options with the totals");

        visitor.register("Ana Pérez").await;
        let cart = visitor.get("/cart").await;
        cart.assert_says("Don Quixote");
        cart.assert_says("Subtotal (2 items)");
    }
}

backend_test! {
    async fn a_cart_line_can_be_changed_and_removed(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        visitor.add_to_cart(&book, "1").await;
        let cart = visitor.get("/cart").await;
        let changed = visitor
            .post(&format!("/cart/items/{book}"), &cart.csrf(), &[("quantity", "3")])
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        visitor.get("/cart").await.assert_says("Subtotal (3 items)");
        let removed = visitor
            .post(&format!("/cart/items/{book}/remove"), &cart.csrf(), &[])
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        let cart = visitor.get("/cart").await;
        cart.assert_says("Removed from your cart.");
        cart.assert_says("Your cart is empty.");
    }
}

backend_test! {
    async fn checkout_needs_a_sign_in_and_keeps_the_way_back(backend) {
        let shop = spawn_shop(backend).await;
        let visitor = shop.visitor();
        let page = visitor.get("/checkout").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), "/login?next=%2Fcheckout");
        let login = visitor.get(&page.location()).await;
        assert_eq!(login.status, StatusCode::OK);
        assert_eq!(login.field("next").as_deref(), Some("/checkout"));
        login.assert_says("Resetting it by email is not available yet");
    }
}

backend_test! {
    async fn a_declined_card_is_explained_and_the_cart_stays_then_a_good_card_pays_once(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        visitor.register("Ana Pérez").await;
        visitor.add_to_cart(&book, "1").await;

        let form = visitor.get("/checkout").await;
        assert_eq!(form.status, StatusCode::OK);
        for field in ["name", "line1", "city", "postal_code", "country", "card_number", "exp_month", "exp_year", "cvc", "holder", "key"] {
            assert!(form.html.contains(&format!("name=\"{field}\"")), "the form has {field}");
        }
        form.assert_says("4242 4242 4242 4242");

        let declined = visitor.submit_checkout(&form, "4000 0000 0000 9995").await;
        assert_eq!(declined.status, StatusCode::UNPROCESSABLE_ENTITY);
        declined.assert_says("The payment was declined: insufficient funds.");
        declined.assert_says("Don Quixote");
        assert_ne!(declined.field("key"), form.field("key"), "a new key for the next try");
        visitor.get("/cart").await.assert_says("Don Quixote");

        // The same form sent twice at once (a double click) makes one order.
        let (first, second) = tokio::join!(
            visitor.submit_checkout(&declined, "4242 4242 4242 4242"),
            visitor.submit_checkout(&declined, "4242 4242 4242 4242"),
        );
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
        assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.html);
        assert_eq!(first.location(), second.location());
        let order = last_segment(&first.location());

        let done = visitor.get(&first.location()).await;
        assert_eq!(done.status, StatusCode::OK);
        done.assert_says("Thank you for your order");
        done.assert_says(&order);
        done.assert_says("Estimated delivery");

        let orders = visitor.get("/account/orders").await;
        assert_eq!(orders.status, StatusCode::OK);
        assert_eq!(orders.html.matches(&format!("/account/orders/{order}\"")).count(), 1);
        orders.assert_says("Paid");
        orders.assert_says("Payment declined");

        let detail = visitor.get(&format!("/account/orders/{order}")).await;
        assert_eq!(detail.status, StatusCode::OK);
        detail.assert_says("Don Quixote");
        detail.assert_says("Calle Mayor 1");
        detail.assert_says("Cancel the order");
        visitor.get("/cart").await.assert_says("Your cart is empty.");

        let cancelled = visitor
            .post(&format!("/account/orders/{order}/cancel"), &detail.csrf(), &[])
            .await;
        assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
        let detail = visitor.get(&cancelled.location()).await;
        detail.assert_says("The order is cancelled and the payment refunded.");
        assert!(!detail.says("Cancel the order"));
    }
}

backend_test! {
    async fn bad_card_fields_are_shown_beside_their_fields(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let visitor = shop.visitor();
        visitor.register("Ana Pérez").await;
        visitor.add_to_cart(&book, "1").await;
        let page = visitor.checkout("1234").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_says("Some fields need a change; see below.");
        assert!(page.html.contains(r#"id="c-number-error""#), "{}", page.html);
        assert!(page.html.contains(r#"value="Calle Mayor 1""#), "the values given stay");
    }
}

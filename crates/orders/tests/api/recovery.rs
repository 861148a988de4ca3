//! A checkout whose process stops part-way is brought to a final state by recovery, and never
//! charged twice.
//!
//! The stop is real as far as the order is concerned: the payment provider (the simulated one,
//! wrapped) never answers the request at the chosen point, so the checkout's work stops there
//! with its state as the database holds it, exactly as when the process dies; recovery then
//! runs as it does after a restart.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use orders::clients::payments::{
    Charge, ChargeRequest, PaymentProvider, Refund, SimulatedProvider, Unavailable,
};
use platform::backend_test;
use platform::db::Database;
use platform::testing::events::eventually;
use reqwest::StatusCode;

use crate::helpers::*;

/// Where the checkout stops.
#[derive(Clone, Copy)]
enum StopAt {
    /// The card was charged; the process dies before recording it.
    AfterCharge,
    /// The process dies before the charge is sent.
    BeforeCharge,
}

struct Stopping {
    inner: SimulatedProvider,
    at: StopAt,
}

impl PaymentProvider for Stopping {
    fn charge<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> BoxFuture<'a, Result<Charge, Unavailable>> {
        Box::pin(async move {
            if let StopAt::AfterCharge = self.at {
                let _charged = self.inner.charge(request).await;
            }
            std::future::pending().await
        })
    }

    fn find_charge<'a>(
        &'a self,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, Unavailable>> {
        self.inner.find_charge(key)
    }

    fn refund<'a>(
        &'a self,
        charge: &'a str,
        amount: i64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Refund, Unavailable>> {
        self.inner.refund(charge, amount, key)
    }
}

fn after_charge(database: Database) -> Arc<dyn PaymentProvider> {
    Arc::new(Stopping {
        inner: SimulatedProvider::new(database, 1_000_000, contracts::money::DEFAULT_CURRENCY),
        at: StopAt::AfterCharge,
    })
}

fn before_charge(database: Database) -> Arc<dyn PaymentProvider> {
    Arc::new(Stopping {
        inner: SimulatedProvider::new(database, 1_000_000, contracts::money::DEFAULT_CURRENCY),
        at: StopAt::BeforeCharge,
    })
}

/// Starts a checkout that will never finish; answers the order's id once it is recorded.
async fn stalled_checkout(shop: &Shop, token: &str, key: &str, body: &serde_json::Value) -> String {
    let request = shop
        .orders_client
        .request(reqwest::Method::POST, token, "/api/orders/checkout")
        .header("idempotency-key", key)
        .json(body)
        .timeout(Duration::from_millis(1500));
    let answer = request.send().await;
    assert!(answer.is_err(), "the checkout answered: {answer:?}");
    let listed = json_body(shop.get(token, "/api/orders").await).await;
    text(&listed["items"][0]["id"])
}

backend_test! {
    async fn a_crash_between_charge_and_commit_ends_paid_and_charged_once(backend) {
        let shop = spawn_shop_with(backend, |_| {}, Some(after_charge)).await;
        let sea = shop.product("The Sea", 1000, 3).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        let key = key();
        let body = checkout_body(&shop.delivery("Standard").await, GOOD_CARD);
        let id = stalled_checkout(&shop, &ana.token, &key, &body).await;
        eventually("the card is charged", || async { (shop.ledger(&id).await.0 == 1).then_some(()) }).await;
        let before = json_body(shop.get(&ana.token, &format!("/api/orders/{id}")).await).await;
        assert_eq!(before["status"], "pending_payment");
        // A retry while the first is unfinished is told to wait, and charges nothing.
        assert_problem(shop.checkout(&ana.token, &key, &body).await, StatusCode::CONFLICT).await;

        orders::app::recovery::run(&shop.orders, Duration::ZERO).await;
        let after = json_body(shop.get(&ana.token, &format!("/api/orders/{id}")).await).await;
        assert_eq!(after["status"], "paid");
        assert_eq!(shop.ledger(&id).await, (1, 0), "charged more than once");
        assert_eq!(shop.stock(&sea).await, 1, "the sale was not committed");
        assert_eq!(shop.cart(&ana.token).await["item_count"], 0);
        // The key now answers the order recovery finished.
        let replay = shop.checkout(&ana.token, &key, &body).await;
        assert_eq!(replay.status(), StatusCode::CREATED);
        assert_eq!(json_body(replay).await["id"], after["id"]);
        // Recovery again finds nothing to do.
        orders::app::recovery::run(&shop.orders, Duration::ZERO).await;
        assert_eq!(shop.ledger(&id).await, (1, 0));
        assert_eq!(shop.stock(&sea).await, 1);
    }
}

backend_test! {
    async fn a_crash_before_the_charge_ends_cancelled_with_the_stock_back(backend) {
        let shop = spawn_shop_with(backend, |_| {}, Some(before_charge)).await;
        let sea = shop.product("The Sea", 1000, 3).await;
        let ana = shop.customer().await;
        shop.add(&ana.token, &sea, 2).await;
        let key = key();
        let body = checkout_body(&shop.delivery("Standard").await, GOOD_CARD);
        let id = stalled_checkout(&shop, &ana.token, &key, &body).await;
        assert_eq!(shop.stock(&sea).await, 1, "the stock is held while the checkout runs");
        // Within the grace period recovery leaves a checkout alone: it may still be running.
        orders::app::recovery::run(&shop.orders, Duration::from_secs(60)).await;
        assert_eq!(json_body(shop.get(&ana.token, &format!("/api/orders/{id}")).await).await["status"], "pending_payment");

        orders::app::recovery::run(&shop.orders, Duration::ZERO).await;
        let after = json_body(shop.get(&ana.token, &format!("/api/orders/{id}")).await).await;
        assert_eq!(after["status"], "cancelled");
        assert_eq!(after["status_reason"], "checkout_interrupted");
        assert_eq!(shop.stock(&sea).await, 3);
        assert_eq!(shop.ledger(&id).await, (0, 0));
        assert_eq!(shop.cart(&ana.token).await["item_count"], 2, "the cart stays for another try");
    }
}

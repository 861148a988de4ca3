//! Orders: the cart (a visitor's by its token, a customer's by the access token), delivery
//! options, checkout and the customer's orders.

use axum::http::{Method, StatusCode};
use contracts::clients::Page;
use contracts::clients::orders::{
    CART_TOKEN_HEADER, Cart, Checkout, DaySales, DeliveryOption, NewCartItem, NewShipment, Order,
    QuantityChange,
};
use platform::client::ServiceClient;
use uuid::Uuid;

use super::{CallError, Headers, NO_BODY, Refusal, exchange, refusal};

const PREFIX: &str = "/api/orders";

/// A client of the orders service.
#[derive(Debug, Clone)]
pub struct OrdersClient(pub(super) ServiceClient);

/// Who a cart belongs to: the signed-in customer's token, a visitor's cart token, or both
/// (the visitor's cart merges into the customer's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Shopper<'a> {
    /// The access token, when signed in.
    pub bearer: Option<&'a str>,
    /// The visitor's cart token, when there is one.
    pub cart_token: Option<&'a str>,
}

impl Shopper<'_> {
    fn headers(&self) -> Vec<(&'static str, &str)> {
        self.cart_token
            .map(|token| (CART_TOKEN_HEADER, token))
            .into_iter()
            .collect()
    }
}

/// How a checkout ended.
#[derive(Debug)]
pub enum CheckoutOutcome {
    /// Paid.
    Paid(Box<Order>),
    /// The card was declined: the order that failed, and why (the provider's code).
    Declined {
        /// The failed order.
        order_id: Option<Uuid>,
        /// The provider's code (`insufficient_funds`).
        reason: String,
    },
    /// Anything else the service refused (stock, prices, a bad field, a checkout running).
    Refused(Box<Refusal>),
}

impl OrdersClient {
    /// The shopper's cart (empty when there is none).
    pub async fn cart(&self, shopper: Shopper<'_>) -> Result<Cart, CallError> {
        let path = format!("{PREFIX}/cart");
        let headers = shopper.headers();
        exchange(
            &self.0,
            Method::GET,
            &path,
            shopper.bearer,
            &headers,
            NO_BODY,
        )
        .await
    }

    /// Adds units of a product.
    pub async fn add(&self, shopper: Shopper<'_>, item: &NewCartItem) -> Result<Cart, CallError> {
        let path = format!("{PREFIX}/cart/items");
        let headers = shopper.headers();
        exchange(
            &self.0,
            Method::POST,
            &path,
            shopper.bearer,
            &headers,
            Some(item),
        )
        .await
    }

    /// Sets a line's quantity.
    pub async fn change(
        &self,
        shopper: Shopper<'_>,
        product: Uuid,
        quantity: i64,
    ) -> Result<Cart, CallError> {
        let path = format!("{PREFIX}/cart/items/{product}");
        let headers = shopper.headers();
        let body = QuantityChange { quantity };
        exchange(
            &self.0,
            Method::PATCH,
            &path,
            shopper.bearer,
            &headers,
            Some(&body),
        )
        .await
    }

    /// Takes a line out.
    pub async fn remove(&self, shopper: Shopper<'_>, product: Uuid) -> Result<Cart, CallError> {
        let path = format!("{PREFIX}/cart/items/{product}");
        let headers = shopper.headers();
        exchange(
            &self.0,
            Method::DELETE,
            &path,
            shopper.bearer,
            &headers,
            NO_BODY,
        )
        .await
    }

    /// The active delivery options.
    pub async fn delivery_options(&self) -> Result<Vec<DeliveryOption>, CallError> {
        let path = format!("{PREFIX}/delivery-options");
        exchange(&self.0, Method::GET, &path, None, &[], NO_BODY).await
    }

    /// Every delivery option, those not offered too (administrators).
    pub async fn all_delivery_options(
        &self,
        token: &str,
    ) -> Result<Vec<DeliveryOption>, CallError> {
        let path = format!("{PREFIX}/delivery-options?all=true");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Adds a delivery option (administrators); `option` is the body of the API.
    pub async fn add_delivery_option(
        &self,
        token: &str,
        option: &serde_json::Value,
    ) -> Result<DeliveryOption, CallError> {
        let path = format!("{PREFIX}/delivery-options");
        exchange(&self.0, Method::POST, &path, Some(token), &[], Some(option)).await
    }

    /// Changes a delivery option (administrators).
    pub async fn change_delivery_option(
        &self,
        token: &str,
        id: Uuid,
        change: &serde_json::Value,
    ) -> Result<DeliveryOption, CallError> {
        let path = format!("{PREFIX}/delivery-options/{id}");
        exchange(
            &self.0,
            Method::PATCH,
            &path,
            Some(token),
            &[],
            Some(change),
        )
        .await
    }

    /// Orders paid and revenue per day over the last `days` days (staff).
    pub async fn sales(&self, token: &str, days: u32) -> Result<Vec<DaySales>, CallError> {
        let path = format!("{PREFIX}/sales?days={days}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Pays for the cart; the same `idempotency_key` never pays twice.
    pub async fn checkout(
        &self,
        token: &str,
        idempotency_key: &str,
        checkout: &Checkout,
    ) -> Result<CheckoutOutcome, CallError> {
        let path = format!("{PREFIX}/checkout");
        let headers: Headers<'_> = &[("idempotency-key", idempotency_key)];
        let reply = self
            .0
            .call_with_headers(Method::POST, &path, Some(token), headers, Some(checkout))
            .await?;
        if reply.status.is_success() {
            return Ok(CheckoutOutcome::Paid(Box::new(reply.json()?)));
        }
        let CallError::Refused(refused) = refusal(&reply) else {
            return Err(refusal(&reply));
        };
        if reply.status == StatusCode::PAYMENT_REQUIRED {
            let details = refused.problem.details.clone().unwrap_or_default();
            return Ok(CheckoutOutcome::Declined {
                order_id: details
                    .get("order_id")
                    .and_then(|id| id.as_str())
                    .and_then(|id| id.parse().ok()),
                reason: details
                    .get("reason")
                    .and_then(|reason| reason.as_str())
                    .unwrap_or("declined")
                    .to_owned(),
            });
        }
        Ok(CheckoutOutcome::Refused(refused))
    }

    /// A page of the caller's orders, newest first.
    pub async fn orders(
        &self,
        token: &str,
        cursor: Option<&str>,
    ) -> Result<Page<Order>, CallError> {
        #[derive(serde::Serialize)]
        struct ListQuery<'a> {
            limit: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        let query =
            serde_urlencoded::to_string(ListQuery { limit: 20, cursor }).unwrap_or_default();
        let path = format!("{PREFIX}?{query}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// One of the caller's orders.
    pub async fn order(&self, token: &str, id: Uuid) -> Result<Order, CallError> {
        let path = format!("{PREFIX}/{id}");
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Cancels one of the caller's orders before it ships.
    pub async fn cancel(&self, token: &str, id: Uuid) -> Result<Order, CallError> {
        let path = format!("{PREFIX}/{id}/cancel");
        exchange(&self.0, Method::POST, &path, Some(token), &[], NO_BODY).await
    }

    /// A page of every customer's orders (staff), newest first, as `filter` narrows them.
    pub async fn all_orders(
        &self,
        token: &str,
        filter: &OrderFilter,
    ) -> Result<Page<Order>, CallError> {
        let path = format!(
            "{PREFIX}?{}",
            serde_urlencoded::to_string(filter).unwrap_or_default()
        );
        exchange(&self.0, Method::GET, &path, Some(token), &[], NO_BODY).await
    }

    /// Hands a paid order to a carrier (staff).
    pub async fn ship(
        &self,
        token: &str,
        id: Uuid,
        shipment: &NewShipment,
    ) -> Result<Order, CallError> {
        let path = format!("{PREFIX}/{id}/shipment");
        exchange(
            &self.0,
            Method::POST,
            &path,
            Some(token),
            &[],
            Some(shipment),
        )
        .await
    }

    /// Records that a shipped order arrived (staff).
    pub async fn deliver(&self, token: &str, id: Uuid) -> Result<Order, CallError> {
        let path = format!("{PREFIX}/{id}/delivered");
        exchange(&self.0, Method::POST, &path, Some(token), &[], NO_BODY).await
    }
}

/// Which orders staff list, as `GET /api/orders` takes it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OrderFilter {
    /// Page size.
    pub limit: u32,
    /// Only in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Only this customer's (user id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Uuid>,
    /// Placed on or after this day (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Placed on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Where the page starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

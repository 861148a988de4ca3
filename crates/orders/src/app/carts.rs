//! Carts: one per customer, and one per visitor (held by a random cart token, kept only as its
//! hash). A request that carries both a customer's access token and a visitor's cart token
//! merges the visitor's cart into the customer's (quantities add up), which is what the website
//! does right after a login.
//!
//! The cart remembers the price each product had when added; the cart view shows current prices
//! and availability from the catalog, and flags what changed.

use std::collections::HashMap;

use contracts::clients::catalog::Product;
use platform::auth::Caller;
use platform::db::Database;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::app::views::{CartLineView, CartView, LineProblem};
use crate::error::Error;
use crate::store::{self, CartItem};
use contracts::money::Money;

/// The most units of one product in a cart.
pub const MAX_QUANTITY: i64 = 1000;
/// The most lines in a cart.
pub const MAX_LINES: usize = 100;
/// The header that carries a visitor's cart token.
pub const CART_TOKEN_HEADER: &str = "x-cart-token";

/// Who is shopping: a customer (access token), a visitor (cart token), or both right after a
/// login.
#[derive(Debug, Clone, Default)]
pub struct Shopper {
    /// The signed-in caller.
    pub caller: Option<Caller>,
    /// The visitor's cart token.
    pub cart_token: Option<String>,
}

/// A product to put in the cart.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// The product.
    pub product_id: Uuid,
    /// 1 to 1,000 units (added to the line when the product is in the cart already).
    pub quantity: i64,
}

/// A new quantity for a line.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuantityChange {
    /// 0 to 1,000 units; 0 takes the line out.
    pub quantity: i64,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The shopper's cart: its id and, for a visitor, the token to send back. Makes one when
/// `create` (a first add) and there is none; merges a visitor's cart into a customer's.
async fn resolve(
    database: &Database,
    shopper: &Shopper,
    create: bool,
) -> Result<Option<(Uuid, Option<String>)>, Error> {
    let now = platform::time::now();
    let visitor_hash = shopper.cart_token.as_deref().map(token_hash);
    match &shopper.caller {
        Some(caller) => {
            // Most requests only read: no write transaction (on SQLite, the write lock) for them.
            if visitor_hash.is_none() {
                let cart = store::cart_of_user(database.pool(), caller.user_id).await?;
                if cart.is_some() || !create {
                    return Ok(cart.map(|cart| (cart, None)));
                }
            }
            let mut transaction = database.begin().await?;
            let mut cart = store::cart_of_user(&mut *transaction, caller.user_id).await?;
            let visitor = match &visitor_hash {
                Some(hash) => store::cart_of_token(&mut *transaction, hash).await?,
                None => None,
            };
            if cart.is_none() && (create || visitor.is_some()) {
                cart = Some(
                    store::insert_cart(&mut transaction, Some(caller.user_id), None, now).await?,
                );
            }
            if let (Some(cart), Some(visitor)) = (cart, visitor) {
                merge(&mut transaction, visitor, cart).await?;
            }
            transaction.commit().await?;
            Ok(cart.map(|cart| (cart, None)))
        }
        None => {
            if let Some(hash) = &visitor_hash
                && let Some(cart) = store::cart_of_token(database.pool(), hash).await?
            {
                return Ok(Some((cart, shopper.cart_token.clone())));
            }
            if !create {
                return Ok(None);
            }
            let token = new_token();
            let mut transaction = database.begin().await?;
            let cart =
                store::insert_cart(&mut transaction, None, Some(&token_hash(&token)), now).await?;
            transaction.commit().await?;
            Ok(Some((cart, Some(token))))
        }
    }
}

/// Moves a visitor's items into a customer's cart, adding quantities (up to the maximum), and
/// deletes the visitor's cart: its token stops working.
async fn merge(transaction: &mut store::Transaction, from: Uuid, into: Uuid) -> Result<(), Error> {
    let existing: HashMap<Uuid, i64> = store::cart_items(&mut **transaction, into)
        .await?
        .into_iter()
        .map(|item| (item.product_id, item.quantity))
        .collect();
    let mut lines = existing.len();
    for item in store::cart_items(&mut **transaction, from).await? {
        let have = existing.get(&item.product_id).copied();
        if have.is_none() {
            if lines >= MAX_LINES {
                continue;
            }
            lines += 1;
        }
        let room = MAX_QUANTITY - have.unwrap_or(0);
        if room <= 0 {
            continue;
        }
        store::add_item(
            transaction,
            into,
            &CartItem {
                quantity: item.quantity.min(room),
                ..item
            },
        )
        .await?;
    }
    store::delete_cart(transaction, from).await?;
    Ok(())
}

/// The shopper's cart at current prices (empty when there is none yet).
pub async fn view(state: &State, shopper: &Shopper) -> Result<CartView, Error> {
    let Some((cart, token)) = resolve(&state.database, shopper, false).await? else {
        return Ok(CartView {
            lines: Vec::new(),
            item_count: 0,
            subtotal: Money::new(0, &state.currency),
            cart_token: None,
        });
    };
    render(state, cart, token).await
}

async fn render(state: &State, cart: Uuid, token: Option<String>) -> Result<CartView, Error> {
    let items = store::cart_items(state.database.pool(), cart).await?;
    let ids: Vec<Uuid> = items.iter().map(|item| item.product_id).collect();
    let products: HashMap<Uuid, Product> = state
        .catalog
        .products(&ids)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect();
    // Everything the shop sells is priced in its currency; a line that is not (a product listed
    // before the rule, or before the shop changed its currency) cannot be bought, and is never
    // added into the subtotal.
    let currency = &state.currency;
    let mut subtotal = 0;
    let lines = items
        .into_iter()
        .map(|item| {
            let product = products.get(&item.product_id);
            let (name, price, available) = match product {
                Some(product) => (product.name.clone(), product.price.clone(), product.stock),
                None => (
                    String::new(),
                    Money::new(item.price_amount, &item.currency),
                    0,
                ),
            };
            let problem = match product {
                Some(product)
                    if product.status == "active" && product.price.currency == *currency =>
                {
                    (product.stock < item.quantity).then_some(LineProblem::InsufficientStock)
                }
                _ => Some(LineProblem::Unavailable),
            };
            let line_total = price.amount * item.quantity;
            if problem.is_none() {
                subtotal += line_total;
            }
            CartLineView {
                product_id: item.product_id,
                name,
                quantity: item.quantity,
                price_changed: price.amount != item.price_amount || price.currency != item.currency,
                line_total: Money::new(line_total, &price.currency),
                unit_price: price,
                price_when_added: Money::new(item.price_amount, &item.currency),
                available,
                problem,
            }
        })
        .collect::<Vec<_>>();
    Ok(CartView {
        item_count: lines.iter().map(|line| line.quantity).sum(),
        lines,
        subtotal: Money::new(subtotal, currency),
        cart_token: token,
    })
}

/// Puts units of a product in the cart (a visitor gets a cart and its token on the first add).
pub async fn add(state: &State, shopper: &Shopper, input: NewItem) -> Result<CartView, Error> {
    if !(1..=MAX_QUANTITY).contains(&input.quantity) {
        return Err(Error::invalid(
            "quantity",
            "out_of_range",
            format!("1 to {MAX_QUANTITY} units"),
        ));
    }
    let product = state
        .catalog
        .product(input.product_id)
        .await?
        .filter(|product| product.status == "active")
        .ok_or_else(|| {
            Error::invalid("product_id", "unknown", "the catalog sells no such product")
        })?;
    if product.price.currency != state.currency {
        return Err(Error::invalid(
            "product_id",
            "not_shop_currency",
            format!(
                "the product is priced in {}, and the shop sells in {}",
                product.price.currency, state.currency
            ),
        ));
    }
    let Some((cart, token)) = resolve(&state.database, shopper, true).await? else {
        return Err(Error::NotFound);
    };
    let items = store::cart_items(state.database.pool(), cart).await?;
    let have = items
        .iter()
        .find(|item| item.product_id == input.product_id)
        .map(|item| item.quantity);
    if have.is_none() && items.len() >= MAX_LINES {
        return Err(Error::Conflict(format!(
            "A cart holds at most {MAX_LINES} different products."
        )));
    }
    let wanted = have.unwrap_or(0) + input.quantity;
    if wanted > MAX_QUANTITY {
        return Err(Error::invalid(
            "quantity",
            "out_of_range",
            format!("at most {MAX_QUANTITY} units of a product in a cart"),
        ));
    }
    if wanted > product.stock {
        return Err(Error::InsufficientStock(vec![
            contracts::clients::catalog::ShortLine {
                product_id: product.id,
                requested: wanted,
                available: product.stock,
            },
        ]));
    }
    let mut transaction = state.database.begin().await?;
    store::add_item(
        &mut transaction,
        cart,
        &CartItem {
            product_id: product.id,
            quantity: input.quantity,
            price_amount: product.price.amount,
            currency: product.price.currency,
            added_at: platform::time::now(),
        },
    )
    .await?;
    transaction.commit().await?;
    render(state, cart, token).await
}

/// Sets a line's quantity; 0 takes it out. 404 when the product is not in the cart.
pub async fn change(
    state: &State,
    shopper: &Shopper,
    product_id: Uuid,
    input: QuantityChange,
) -> Result<CartView, Error> {
    if !(0..=MAX_QUANTITY).contains(&input.quantity) {
        return Err(Error::invalid(
            "quantity",
            "out_of_range",
            format!("0 to {MAX_QUANTITY} units"),
        ));
    }
    let Some((cart, token)) = resolve(&state.database, shopper, false).await? else {
        return Err(Error::NotFound);
    };
    let mut transaction = state.database.begin().await?;
    let found = if input.quantity == 0 {
        store::remove_items(&mut transaction, cart, &[product_id]).await? == 1
    } else {
        store::set_quantity(
            &mut transaction,
            cart,
            product_id,
            input.quantity,
            platform::time::now(),
        )
        .await?
    };
    if !found {
        return Err(Error::NotFound);
    }
    transaction.commit().await?;
    render(state, cart, token).await
}

/// Takes a product out of the cart. 404 when it is not there.
pub async fn remove(state: &State, shopper: &Shopper, product_id: Uuid) -> Result<CartView, Error> {
    change(state, shopper, product_id, QuantityChange { quantity: 0 }).await
}

/// The customer's cart id and items, for the checkout.
pub async fn items_of(
    state: &State,
    user_id: Uuid,
) -> Result<Option<(Uuid, Vec<CartItem>)>, Error> {
    let Some(cart) = store::cart_of_user(state.database.pool(), user_id).await? else {
        return Ok(None);
    };
    Ok(Some((
        cart,
        store::cart_items(state.database.pool(), cart).await?,
    )))
}

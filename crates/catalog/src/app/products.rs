//! Products: who may list and change them, what a change may do, and how they are searched.
//!
//! Sellers list products and change or archive their own; administrators any. Everyone (even
//! without an account) reads. Archiving takes a product out of the listings; it still resolves
//! by id, so old orders and reviews keep their product.

use contracts::auth::Role;
use contracts::events::catalog::{
    PriceChanged, ProductArchived, ProductCreated, ProductUpdated, StockDepleted,
};
use platform::FieldError;
use platform::auth::Caller;
use platform::http::IfMatch;
use platform::text::clean_text;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::domain::product::{
    Kind, MAX_STOCK, PetStatus, parse_attributes, parse_images, parse_tags,
};
use crate::error::Error;
use crate::events::snapshot;
use crate::store::{self, Product, ProductQuery, ProductStatus};
use contracts::money::Money;

/// A new product. Its seller is the caller (a seller), or none (an administrator's listing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    /// `book`, `pet` or `item`; it cannot change later.
    pub kind: Kind,
    /// 1 to 200 characters.
    pub name: String,
    /// Up to 5,000 characters.
    #[serde(default)]
    pub description: String,
    /// Its category.
    pub category_id: Uuid,
    /// Its price.
    pub price: Money,
    /// Units in stock, 0 to 1,000,000 (default 0). A pet is one animal: 1, or leave it out.
    pub stock: Option<i64>,
    /// Up to 10 http(s) image URLs.
    #[serde(default)]
    pub images: Vec<String>,
    /// Up to 20 tags: letters, digits, hyphens.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The kind's attributes: a book's `author`, `isbn`, `publisher`, `year`; a pet's
    /// `species`, `breed`, `age_months`, `sex` (`male`, `female`, `unknown`); an item's free
    /// text pairs (up to 20).
    #[schema(value_type = Object)]
    pub attributes: Value,
}

/// A change to a product; every field is optional. The kind and the seller never change; stock
/// moves through `POST /products/{id}/stock` and reservations, never by overwriting.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductChange {
    /// A new name.
    pub name: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new category.
    pub category_id: Option<Uuid>,
    /// A new price.
    pub price: Option<Money>,
    /// New images (replacing the old).
    pub images: Option<Vec<String>>,
    /// New tags (replacing the old).
    pub tags: Option<Vec<String>>,
    /// New attributes (replacing the old, checked as for a new product).
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Value>,
}

fn this_year() -> i64 {
    i64::from(platform::time::now().year())
}

fn collect<T>(result: Result<T, Vec<FieldError>>, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|mut found| errors.append(&mut found)).ok()
}

fn check_money(price: &Money, shop_currency: &str, errors: &mut Vec<FieldError>) {
    for (field, code, message) in price.validate_in(shop_currency) {
        errors.push(FieldError::new(format!("price.{field}"), code, message));
    }
}

fn check_stock(stock: i64, errors: &mut Vec<FieldError>) {
    if !(0..=MAX_STOCK).contains(&stock) {
        errors.push(FieldError::new(
            "stock",
            "out_of_range",
            format!("stock is 0 to {MAX_STOCK}"),
        ));
    }
}

/// May `caller` change `product` (or its stock)? Administrators any; sellers their own.
pub(crate) fn may_change(caller: &Caller, product: &Product) -> Result<(), Error> {
    match caller.role {
        Role::Admin => Ok(()),
        Role::Seller if product.seller_id == Some(caller.user_id) => Ok(()),
        _ => Err(Error::Forbidden),
    }
}

/// One product, whatever its status.
pub async fn get(state: &State, id: Uuid) -> Result<Product, Error> {
    store::find_product(state.database.pool(), id)
        .await?
        .ok_or(Error::NotFound)
}

/// Lists a product (sellers and administrators) and announces it.
pub async fn create(state: &State, caller: &Caller, input: NewProduct) -> Result<Product, Error> {
    if !matches!(caller.role, Role::Seller | Role::Admin) {
        return Err(Error::Forbidden);
    }
    let mut errors = Vec::new();
    let name = clean_text("name", &input.name, 1, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let description = clean_text("description", &input.description, 0, 5000)
        .map_err(|e| errors.push(e))
        .ok();
    check_money(&input.price, &state.currency, &mut errors);
    let stock = match (input.kind, input.stock) {
        (Kind::Pet, None | Some(1)) => 1,
        (Kind::Pet, Some(_)) => {
            errors.push(FieldError::new(
                "stock",
                "invalid",
                "a pet is one animal: its stock is 1",
            ));
            1
        }
        (_, stock) => stock.unwrap_or(0),
    };
    check_stock(stock, &mut errors);
    let images = collect(parse_images(&input.images), &mut errors);
    let tags = collect(parse_tags(&input.tags), &mut errors);
    let attributes = collect(
        parse_attributes(input.kind, &input.attributes, this_year()),
        &mut errors,
    );
    let (Some(name), Some(description), Some(images), Some(tags), Some(attributes), true) = (
        name,
        description,
        images,
        tags,
        attributes,
        errors.is_empty(),
    ) else {
        return Err(Error::Invalid(errors));
    };
    let now = platform::time::now();
    let product = Product {
        id: Uuid::now_v7(),
        kind: input.kind,
        name,
        description,
        category_id: input.category_id,
        price: input.price,
        stock,
        images,
        tags,
        attributes: attributes.value,
        author: attributes.author,
        pet_status: (input.kind == Kind::Pet).then_some(PetStatus::Available),
        status: ProductStatus::Active,
        seller_id: (caller.role == Role::Seller).then_some(caller.user_id),
        rating_count: 0,
        rating_sum: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut transaction = state.database.begin().await?;
    store::insert_product(&mut *transaction, &product).await?;
    let created = ProductCreated {
        product: snapshot(&product),
    };
    state.events.publish(&mut transaction, &created).await?;
    state.events.commit(transaction).await?;
    Ok(product)
}

/// Applies `change` to `current`, or says every field that is wrong (a new price must be in
/// `shop_currency`).
fn apply(current: &Product, change: ProductChange, shop_currency: &str) -> Result<Product, Error> {
    let mut errors = Vec::new();
    let mut next = current.clone();
    if let Some(name) = change.name
        && let Some(name) = collect(
            clean_text("name", &name, 1, 200).map_err(|e| vec![e]),
            &mut errors,
        )
    {
        next.name = name;
    }
    if let Some(description) = change.description
        && let Some(description) = collect(
            clean_text("description", &description, 0, 5000).map_err(|e| vec![e]),
            &mut errors,
        )
    {
        next.description = description;
    }
    if let Some(category) = change.category_id {
        next.category_id = category;
    }
    if let Some(price) = change.price {
        check_money(&price, shop_currency, &mut errors);
        next.price = price;
    }
    if let Some(images) = change.images
        && let Some(images) = collect(parse_images(&images), &mut errors)
    {
        next.images = images;
    }
    if let Some(tags) = change.tags
        && let Some(tags) = collect(parse_tags(&tags), &mut errors)
    {
        next.tags = tags;
    }
    if let Some(attributes) = change.attributes
        && let Some(attributes) = collect(
            parse_attributes(current.kind, &attributes, this_year()),
            &mut errors,
        )
    {
        next.attributes = attributes.value;
        next.author = attributes.author;
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Changes a product (its seller, or an administrator), guarded by `If-Match`; announces the
/// change, a new price, and stock running out.
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
    change: ProductChange,
) -> Result<Product, Error> {
    let current = get(state, id).await?;
    may_change(caller, &current)?;
    if current.status == ProductStatus::Archived {
        return Err(Error::Conflict("The product is archived.".into()));
    }
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let next = apply(&current, change, &state.currency)?;
    if next == current {
        return Ok(current);
    }
    save(state, &current, next).await
}

async fn save(state: &State, current: &Product, next: Product) -> Result<Product, Error> {
    let mut transaction = state.database.begin().await?;
    let saved = store::update_product(&mut transaction, &next, platform::time::now()).await?;
    let events = &state.events;
    if saved.status == ProductStatus::Archived && current.status != ProductStatus::Archived {
        events
            .publish(
                &mut transaction,
                &ProductArchived {
                    product_id: saved.id,
                },
            )
            .await?;
    } else {
        let updated = ProductUpdated {
            product: snapshot(&saved),
        };
        events.publish(&mut transaction, &updated).await?;
    }
    if saved.price != current.price {
        let changed = PriceChanged {
            product_id: saved.id,
            previous_amount: current.price.amount,
            amount: saved.price.amount,
            currency: saved.price.currency.clone(),
        };
        events.publish(&mut transaction, &changed).await?;
    }
    if saved.stock == 0 && current.stock > 0 {
        events
            .publish(
                &mut transaction,
                &StockDepleted {
                    product_id: saved.id,
                },
            )
            .await?;
    }
    events.commit(transaction).await?;
    Ok(saved)
}

/// Archives a product (its seller, or an administrator); archiving twice is no error.
pub async fn archive(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
) -> Result<(), Error> {
    let current = get(state, id).await?;
    may_change(caller, &current)?;
    if current.status == ProductStatus::Archived {
        return Ok(());
    }
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let next = Product {
        status: ProductStatus::Archived,
        ..current.clone()
    };
    save(state, &current, next).await?;
    Ok(())
}

/// Active products matching `query`.
pub async fn search(
    state: &State,
    query: &ProductQuery,
) -> Result<Vec<(Product, store::After)>, Error> {
    Ok(store::search_products(state.database.pool(), state.database.backend(), query).await?)
}

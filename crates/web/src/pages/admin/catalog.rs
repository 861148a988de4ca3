//! The catalog, for sellers (their own products) and administrators (all): the product list
//! with search, listing a new product with the fields of its kind, a product's stock with its
//! adjustments (a reason each) and their history, archiving.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::catalog::{Category, Product, StockAdjustment};
use contracts::money::Money;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::super::catalog::parse_price;
use super::super::{FieldErrors, parse_id, render, render_with, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::{CallError, ProductQuery};
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/products", get(products_page).post(create))
        .route("/admin/products/new", get(new_product_page))
        .route("/admin/products/{id}", get(product_page))
        .route("/admin/products/{id}/edit", get(edit_page).post(edit))
        .route("/admin/products/{id}/stock", post(adjust))
        .route("/admin/products/{id}/archive", post(archive))
        .route(
            "/admin/products/{id}/reviews/{review}/delete",
            post(delete_review),
        )
}

const KINDS: [&str; 3] = ["book", "pet", "item"];
const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "MXN", "ARS", "CLP", "COP", "PEN"];
const SEXES: [&str; 3] = ["female", "male", "unknown"];

/// A product in the list.
#[derive(Debug, Clone)]
pub struct ProductRow {
    /// The product.
    pub product: Product,
    /// Its kind, in words.
    pub kind: String,
    /// Its price, in words.
    pub price: String,
}

fn product_row(product: Product, words: Words) -> ProductRow {
    ProductRow {
        kind: words.t(&format!("kind-{}", product.kind)),
        price: words.money(&product.price),
        product,
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

/// The products the person manages.
#[derive(Template)]
#[template(path = "admin/products.html")]
struct ProductsView {
    layout: Layout,
    menu: Vec<MenuLink>,
    products: Vec<ProductRow>,
    q: String,
    next: Option<String>,
}

async fn products_page(
    visit: Visit,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    let words = desk.visit.words();
    let q = params.q.trim().to_owned();
    let query = ProductQuery {
        q: (!q.is_empty()).then(|| q.clone()),
        // A seller sees only their own; an administrator every product.
        seller: (!desk.is_admin()).then_some(desk.user_id),
        sort: Some(if q.is_empty() { "newest" } else { "relevance" }.to_owned()),
        limit: Some(50),
        cursor: params.cursor.clone(),
        ..ProductQuery::default()
    };
    let page = match desk.visit.state.clients.catalog.products(&query).await {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor from an old or forged link: the list from the top.
            return Ok(see("/admin/products"));
        }
        Err(error) => return Err(error.into()),
    };
    render(&ProductsView {
        products: page
            .items
            .into_iter()
            .map(|product| product_row(product, words))
            .collect(),
        next: page.next_cursor.map(|cursor| {
            let mut pairs = vec![("cursor", cursor)];
            if !q.is_empty() {
                pairs.push(("q", q.clone()));
            }
            format!(
                "/admin/products?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        }),
        q,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

/// The product the person may manage: a seller's own, any for an administrator; 404 otherwise
/// (another seller's product is not theirs to see here).
async fn managed(desk: &Backstage, id: Uuid) -> Result<Product, PageError> {
    let product = desk.visit.state.clients.catalog.fresh_product(id).await?;
    if desk.is_admin() || product.seller_id == Some(desk.user_id) {
        Ok(product)
    } else {
        Err(PageError::NotFound)
    }
}

/// An adjustment in the history.
#[derive(Debug, Clone)]
pub struct AdjustmentRow {
    /// `+7`, `-2`.
    pub delta: String,
    /// Why.
    pub reason: String,
    /// The stock it left.
    pub after: i64,
    /// When.
    pub when: String,
    /// Made by the person looking.
    pub mine: bool,
}

/// One product, its stock and its history.
#[derive(Template)]
#[template(path = "admin/product.html")]
struct ProductView {
    layout: Layout,
    menu: Vec<MenuLink>,
    row: ProductRow,
    history: Vec<AdjustmentRow>,
    reviews: Vec<contracts::clients::catalog::Review>,
    admin: bool,
    form: AdjustmentForm,
    errors: FieldErrors,
}

async fn product_view(
    desk: &Backstage,
    id: Uuid,
    form: AdjustmentForm,
    errors: FieldErrors,
) -> Result<ProductView, PageError> {
    let product = managed(desk, id).await?;
    let catalog = &desk.visit.state.clients.catalog;
    let (history, reviews) =
        tokio::join!(catalog.stock_history(&desk.token, id), catalog.reviews(id));
    let history = history?;
    let words = desk.visit.words();
    Ok(ProductView {
        history: history
            .into_iter()
            .map(|adjustment| AdjustmentRow {
                delta: format!("{:+}", adjustment.delta),
                reason: adjustment.reason,
                after: adjustment.stock_after,
                when: words.date_time(&adjustment.created_at),
                mine: adjustment.actor_id == desk.user_id,
            })
            .collect(),
        row: product_row(product, words),
        reviews: reviews?.items,
        admin: desk.is_admin(),
        form,
        errors,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    })
}

async fn product_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    render(&product_view(&desk, id, AdjustmentForm::default(), FieldErrors::default()).await?)
}

/// The stock form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdjustmentForm {
    /// Units to add (`5`) or take (`-2`).
    #[serde(default)]
    pub delta: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

async fn adjust(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<AdjustmentForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    managed(&desk, id).await?;
    let words = desk.visit.words();
    let mut errors = FieldErrors::default();
    match form.delta.trim().trim_start_matches('+').parse::<i64>() {
        Ok(delta) if delta != 0 => {
            let adjustment = StockAdjustment {
                delta,
                reason: form.reason.trim().to_owned(),
                reference: None,
            };
            let catalog = &desk.visit.state.clients.catalog;
            match catalog.adjust_stock(&desk.token, id, &adjustment).await {
                Ok(product) => {
                    desk.visit
                        .flash(words.t1("flash-stock-adjusted", "stock", product.stock))
                        .await?;
                    return Ok(see(format!("/admin/products/{id}")));
                }
                Err(CallError::Refused(refusal))
                    if matches!(
                        refusal.status,
                        StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
                    ) =>
                {
                    errors = FieldErrors::from_refusal(&refusal, &[]);
                    if errors.is_empty() {
                        errors.add("delta", refusal.problem.detail.clone().unwrap_or_default());
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
        _ => errors.add("delta", words.t("error-stock-delta")),
    }
    let view = product_view(&desk, id, form, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

async fn archive(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<super::super::cart::EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    managed(&desk, id).await?;
    let words = desk.visit.words();
    match desk
        .visit
        .state
        .clients
        .catalog
        .archive(&desk.token, id)
        .await
    {
        Ok(()) => desk.visit.flash(words.t("flash-product-archived")).await?,
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
            let detail = refusal.problem.detail.clone().unwrap_or_default();
            desk.visit.flash(detail).await?;
        }
        Err(error) => return Err(error.into()),
    }
    Ok(see(format!("/admin/products/{id}")))
}

/// The form that lists a product: the common fields and those of each kind.
#[derive(Debug, Clone, Deserialize)]
pub struct ProductForm {
    /// The version the edit form was drawn from (editing only).
    #[serde(default)]
    pub version: String,
    /// `book`, `pet` or `item`.
    #[serde(default)]
    pub kind: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// Its category.
    #[serde(default)]
    pub category: String,
    /// The price in major units.
    #[serde(default)]
    pub price: String,
    /// The price's currency.
    #[serde(default)]
    pub currency: String,
    /// Units in stock to start with.
    #[serde(default)]
    pub stock: String,
    /// Tags, separated by commas or spaces.
    #[serde(default)]
    pub tags: String,
    /// A book's author.
    #[serde(default)]
    pub author: String,
    /// A book's ISBN.
    #[serde(default)]
    pub isbn: String,
    /// A book's publisher.
    #[serde(default)]
    pub publisher: String,
    /// A book's year.
    #[serde(default)]
    pub year: String,
    /// A pet's species.
    #[serde(default)]
    pub species: String,
    /// A pet's breed.
    #[serde(default)]
    pub breed: String,
    /// A pet's age in months.
    #[serde(default)]
    pub age_months: String,
    /// A pet's sex.
    #[serde(default)]
    pub sex: String,
}

impl Default for ProductForm {
    fn default() -> Self {
        Self {
            version: String::new(),
            kind: "book".to_owned(),
            name: String::new(),
            description: String::new(),
            category: String::new(),
            price: String::new(),
            currency: "EUR".to_owned(),
            stock: "0".to_owned(),
            tags: String::new(),
            author: String::new(),
            isbn: String::new(),
            publisher: String::new(),
            year: String::new(),
            species: String::new(),
            breed: String::new(),
            age_months: String::new(),
            sex: "unknown".to_owned(),
        }
    }
}

/// "List a product", or change one (`editing`: its id; the kind and the stock do not change
/// here).
#[derive(Template)]
#[template(path = "admin/new_product.html")]
struct NewProductView {
    layout: Layout,
    menu: Vec<MenuLink>,
    editing: Option<Uuid>,
    stale: bool,
    form: ProductForm,
    kinds: Vec<(&'static str, String)>,
    categories: Vec<(Uuid, String)>,
    /// The shop's currency, the one a price may be in.
    currencies: Vec<String>,
    sexes: Vec<(&'static str, String)>,
    errors: FieldErrors,
}

/// The category tree as one list, children indented under their parent.
fn flatten(categories: &[Category], depth: usize, into: &mut Vec<(Uuid, String)>) {
    for category in categories {
        into.push((
            category.id,
            format!("{}{}", "— ".repeat(depth), category.name),
        ));
        flatten(&category.children, depth + 1, into);
    }
}

async fn new_product_view(
    desk: &Backstage,
    editing: Option<Uuid>,
    form: ProductForm,
    errors: FieldErrors,
) -> Result<NewProductView, PageError> {
    let tree = desk.visit.state.clients.catalog.categories().await?;
    let mut categories = Vec::new();
    flatten(&tree, 0, &mut categories);
    let words = desk.visit.words();
    Ok(NewProductView {
        kinds: KINDS
            .iter()
            .map(|kind| (*kind, words.t(&format!("kind-{kind}"))))
            .collect(),
        sexes: SEXES
            .iter()
            .map(|sex| (*sex, words.t(&format!("sex-{sex}"))))
            .collect(),
        currencies: vec![desk.visit.state.currency.clone()],
        categories,
        editing,
        stale: false,
        form,
        errors,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    })
}

async fn new_product_page(visit: Visit) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    let form = ProductForm {
        currency: desk.visit.state.currency.clone(),
        ..ProductForm::default()
    };
    let view = new_product_view(&desk, None, form, FieldErrors::default());
    render(&view.await?)
}

/// A whole number typed in a form: none when empty, an error message when not a number.
fn whole(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| ())
}

/// The body of `POST /api/catalog/products` from the form, or the fields the page itself can
/// tell are wrong (the catalog checks the rest).
fn product_body(form: &ProductForm, words: Words) -> Result<Value, FieldErrors> {
    let mut errors = FieldErrors::default();
    if !KINDS.contains(&form.kind.as_str()) {
        errors.add("kind", words.t("error-choose"));
    }
    let category = form.category.parse::<Uuid>().ok();
    if category.is_none() {
        errors.add("category", words.t("error-choose"));
    }
    let price = match parse_price(&form.price) {
        Ok(Some(price)) => Some(price),
        _ => {
            errors.add("price", words.t("error-price"));
            None
        }
    };
    let currency = CURRENCIES
        .iter()
        .find(|code| **code == form.currency)
        .copied()
        .unwrap_or("EUR");
    let stock = whole(&form.stock).unwrap_or_else(|()| {
        errors.add("stock", words.t("error-whole-number"));
        None
    });
    let mut attributes = Map::new();
    let mut text = |name: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() {
            attributes.insert(name.to_owned(), Value::from(value));
        }
    };
    match form.kind.as_str() {
        "book" => {
            text("author", &form.author);
            text("isbn", &form.isbn);
            text("publisher", &form.publisher);
            match whole(&form.year) {
                Ok(Some(year)) => {
                    attributes.insert("year".to_owned(), Value::from(year));
                }
                Ok(None) => {}
                Err(()) => errors.add("year", words.t("error-whole-number")),
            }
        }
        "pet" => {
            text("species", &form.species);
            text("breed", &form.breed);
            text("sex", &form.sex);
            match whole(&form.age_months) {
                Ok(Some(age)) => {
                    attributes.insert("age_months".to_owned(), Value::from(age));
                }
                Ok(None) => {}
                Err(()) => errors.add("age_months", words.t("error-whole-number")),
            }
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let tags: Vec<&str> = form
        .tags
        .split([',', ' '])
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .collect();
    let mut body = json!({
        "kind": form.kind,
        "name": form.name.trim(),
        "description": form.description.trim(),
        "category_id": category,
        "price": Money::new(price.unwrap_or_default(), currency),
        "tags": tags,
        "attributes": attributes,
    });
    if let Some(stock) = stock {
        body["stock"] = Value::from(stock);
    }
    Ok(body)
}

/// The catalog's messages beside the form's fields.
fn product_errors(refusal: &crate::clients::Refusal) -> FieldErrors {
    let mut errors = FieldErrors::from_refusal(
        refusal,
        &[
            ("category_id", "category"),
            ("price.amount", "price"),
            ("price.currency", "price"),
            ("attributes.author", "author"),
            ("attributes.isbn", "isbn"),
            ("attributes.publisher", "publisher"),
            ("attributes.year", "year"),
            ("attributes.species", "species"),
            ("attributes.breed", "breed"),
            ("attributes.age_months", "age_months"),
            ("attributes.sex", "sex"),
        ],
    );
    if errors.is_empty() {
        errors.add("name", refusal.problem.detail.clone().unwrap_or_default());
    }
    errors
}

async fn create(visit: Visit, Form(form): Form<ProductForm>) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    let words = desk.visit.words();
    let errors = match product_body(&form, words) {
        Err(errors) => errors,
        Ok(body) => match desk
            .visit
            .state
            .clients
            .catalog
            .create(&desk.token, &body)
            .await
        {
            Ok(product) => {
                desk.visit.flash(words.t("flash-product-listed")).await?;
                return Ok(see(format!("/admin/products/{}", product.id)));
            }
            Err(CallError::Refused(refusal))
                if matches!(
                    refusal.status,
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
                ) =>
            {
                product_errors(&refusal)
            }
            Err(error) => return Err(error.into()),
        },
    };
    let view = new_product_view(&desk, None, form, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

impl ProductForm {
    /// The edit form of `product`, as it is now.
    fn of(product: &Product) -> Self {
        let attribute = |name: &str| match product.attributes.get(name) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            _ => String::new(),
        };
        Self {
            version: product.version.to_string(),
            kind: product.kind.clone(),
            name: product.name.clone(),
            description: product.description.clone(),
            category: product.category_id.to_string(),
            price: super::administration::major_units(&product.price),
            currency: product.price.currency.clone(),
            stock: product.stock.to_string(),
            tags: product.tags.join(", "),
            author: attribute("author"),
            isbn: attribute("isbn"),
            publisher: attribute("publisher"),
            year: attribute("year"),
            species: attribute("species"),
            breed: attribute("breed"),
            age_months: attribute("age_months"),
            sex: attribute("sex"),
        }
    }
}

async fn edit_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    let product = managed(&desk, id).await?;
    let form = ProductForm::of(&product);
    render(&new_product_view(&desk, Some(id), form, FieldErrors::default()).await?)
}

/// Changes a product with the version its form was drawn from: the kind and the stock stay (the
/// stock moves by adjustments); a change made meanwhile (412) draws the product as it is now.
async fn edit(
    visit: Visit,
    Path(id): Path<String>,
    Form(mut form): Form<ProductForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    let product = managed(&desk, id).await?;
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest)?;
    let words = desk.visit.words();
    form.kind.clone_from(&product.kind);
    form.stock = String::new();
    let errors = match product_body(&form, words) {
        Err(errors) => errors,
        Ok(mut body) => {
            if let Some(fields) = body.as_object_mut() {
                fields.remove("kind");
                fields.remove("stock");
            }
            let catalog = &desk.visit.state.clients.catalog;
            match catalog.change(&desk.token, id, version, &body).await {
                Ok(_) => {
                    desk.visit.flash(words.t("flash-product-saved")).await?;
                    return Ok(see(format!("/admin/products/{id}")));
                }
                Err(CallError::Refused(refusal))
                    if refusal.status == StatusCode::PRECONDITION_FAILED =>
                {
                    let current = managed(&desk, id).await?;
                    let mut view = new_product_view(
                        &desk,
                        Some(id),
                        ProductForm::of(&current),
                        FieldErrors::default(),
                    )
                    .await?;
                    view.stale = true;
                    return render_with(StatusCode::PRECONDITION_FAILED, &view);
                }
                Err(CallError::Refused(refusal))
                    if matches!(
                        refusal.status,
                        StatusCode::UNPROCESSABLE_ENTITY
                            | StatusCode::BAD_REQUEST
                            | StatusCode::CONFLICT
                    ) =>
                {
                    product_errors(&refusal)
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    let view = new_product_view(&desk, Some(id), form, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// Deletes a review of a product (administrators).
async fn delete_review(
    visit: Visit,
    Path((id, review)): Path<(String, String)>,
    Form(_): Form<super::super::cart::EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let review = parse_id(&review)?;
    let desk = Backstage::enter(visit, Part::Catalog).await?;
    if !desk.is_admin() {
        return Err(PageError::Forbidden);
    }
    let words = desk.visit.words();
    match desk
        .visit
        .state
        .clients
        .catalog
        .delete_review(&desk.token, id, review)
        .await
    {
        Ok(()) => desk.visit.flash(words.t("flash-review-deleted")).await?,
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::NOT_FOUND => {
            desk.visit.flash(words.t("flash-review-gone")).await?;
        }
        Err(error) => return Err(error.into()),
    }
    Ok(see(format!("/admin/products/{id}#reviews")))
}

//! The shop window: home, listing and search, the product page, writing a review.

use askama::Template;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Router, http::StatusCode};
use contracts::clients::catalog::{Category, NewReview, Product, Review};
use serde::Deserialize;
use uuid::Uuid;

use super::{FieldErrors, parse_id, render, render_with, see};
use crate::State;
use crate::clients::{CallError, ProductQuery};
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/", get(home))
        .route("/products", get(listing))
        .route("/products/{id}", get(product_page))
        .route("/products/{id}/reviews", post(write_review))
}

/// A product in a grid or a list.
#[derive(Debug, Clone)]
pub struct ProductCard {
    /// Its id, for the link.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// A line under the name: a book's author, a pet's species and breed.
    pub byline: String,
    /// Its price, formatted.
    pub price: String,
    /// The kind, in words.
    pub kind: String,
    /// `book`, `pet` or `item`, for the cover's colour.
    pub kind_code: String,
    /// The first letter of its name, on the cover.
    pub initial: String,
    /// "4.5 ★ (12)", when reviewed.
    pub rating: Option<String>,
    /// Whether it can be bought now.
    pub available: bool,
}

impl ProductCard {
    fn new(product: &Product, words: Words) -> Self {
        Self {
            id: product.id,
            name: product.name.clone(),
            byline: byline(product),
            price: words.money(&product.price),
            kind: words.t(&format!("kind-{}", product.kind)),
            kind_code: product.kind.clone(),
            initial: product
                .name
                .chars()
                .find(|c| c.is_alphanumeric())
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default(),
            rating: product.rating_average.map(|average| {
                format!(
                    "{} ({})",
                    words.t1("rating-short", "average", words.decimal(average)),
                    product.rating_count
                )
            }),
            available: available(product),
        }
    }
}

fn attribute(product: &Product, name: &str) -> Option<String> {
    match product.attributes.get(name)? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn byline(product: &Product) -> String {
    match product.kind.as_str() {
        "book" => attribute(product, "author").unwrap_or_default(),
        "pet" => [attribute(product, "species"), attribute(product, "breed")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        _ => String::new(),
    }
}

fn available(product: &Product) -> bool {
    product.status == "active"
        && product.stock > 0
        && product
            .pet_status
            .as_deref()
            .is_none_or(|status| status == "available")
}

/// A category and its subcategories, for the home page and the filter.
#[derive(Debug, Clone)]
pub struct CategoryLink {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its subcategories.
    pub children: Vec<CategoryLink>,
}

fn category_links(categories: &[Category]) -> Vec<CategoryLink> {
    categories
        .iter()
        .map(|category| CategoryLink {
            id: category.id,
            name: category.name.clone(),
            children: category_links(&category.children),
        })
        .collect()
}

/// The home page.
#[derive(Template)]
#[template(path = "catalog/home.html")]
struct HomeView {
    layout: Layout,
    categories: Vec<CategoryLink>,
    newest: Vec<ProductCard>,
    best_rated: Vec<ProductCard>,
}

async fn home(visit: Visit) -> Result<Response, PageError> {
    let catalog = &visit.state.clients.catalog;
    let newest_query = ProductQuery {
        sort: Some("newest".into()),
        limit: Some(8),
        ..ProductQuery::default()
    };
    let best_query = ProductQuery {
        sort: Some("rating".into()),
        limit: Some(8),
        ..ProductQuery::default()
    };
    let (categories, newest, best) = tokio::join!(
        catalog.categories(),
        catalog.products(&newest_query),
        catalog.products(&best_query),
    );
    let words = visit.words();
    let cards = |products: Vec<Product>| {
        products
            .iter()
            .map(|product| ProductCard::new(product, words))
            .collect()
    };
    render(&HomeView {
        categories: category_links(&categories?),
        newest: cards(newest?.items),
        best_rated: cards(
            best?
                .items
                .into_iter()
                .filter(|p| p.rating_count > 0)
                .collect(),
        ),
        layout: visit.layout,
    })
}

/// The listing's filters, as the form sends them (all optional, all text: a bad value is
/// shown as an error on the page, not a 400).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListingForm {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// A kind.
    #[serde(default)]
    pub kind: String,
    /// A category id.
    #[serde(default)]
    pub category: String,
    /// Lowest price in major units (`12.50`).
    #[serde(default)]
    pub min_price: String,
    /// Highest price in major units.
    #[serde(default)]
    pub max_price: String,
    /// A tag.
    #[serde(default)]
    pub tag: String,
    /// `on` when only what is in stock.
    #[serde(default)]
    pub in_stock: String,
    /// The sort.
    #[serde(default)]
    pub sort: String,
    /// Where the page starts.
    #[serde(default)]
    pub cursor: String,
    /// The cursors of the pages before, `.`-separated, for "previous".
    #[serde(default)]
    pub trail: String,
}

const SORTS: [&str; 5] = ["relevance", "newest", "price_asc", "price_desc", "rating"];
const KINDS: [&str; 3] = ["book", "pet", "item"];
/// Pages of "previous" the listing remembers.
const MAX_TRAIL: usize = 50;

/// A price typed in major units (`12`, `12.5`, `12,50`) as minor units.
pub(crate) fn parse_price(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || whole.len() > 9
    {
        return Err(());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| ())?
    };
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| ())?;
    Ok(Some(whole * 100 + cents))
}

/// The listing page.
#[derive(Template)]
#[template(path = "catalog/list.html")]
struct ListingView {
    layout: Layout,
    form: ListingForm,
    errors: FieldErrors,
    categories: Vec<(Uuid, String)>,
    sorts: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    products: Vec<ProductCard>,
    next: Option<String>,
    previous: Option<String>,
}

fn flatten(categories: &[Category], depth: usize, into: &mut Vec<(Uuid, String)>) {
    for category in categories {
        into.push((
            category.id,
            format!("{}{}", "— ".repeat(depth), category.name),
        ));
        flatten(&category.children, depth + 1, into);
    }
}

/// The listing's URL with `cursor` and `trail` in place of the form's.
fn listing_url(form: &ListingForm, cursor: &str, trail: &str) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("q", form.q.as_str()),
        ("kind", form.kind.as_str()),
        ("category", form.category.as_str()),
        ("min_price", form.min_price.as_str()),
        ("max_price", form.max_price.as_str()),
        ("tag", form.tag.as_str()),
        ("in_stock", form.in_stock.as_str()),
        ("sort", form.sort.as_str()),
        ("cursor", cursor),
        ("trail", trail),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .collect();
    format!(
        "/products?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

async fn listing(visit: Visit, RawQuery(query): RawQuery) -> Result<Response, PageError> {
    // A query the form would not send (a repeated field, a stray one) lists everything.
    let form: ListingForm = query
        .and_then(|query| serde_urlencoded::from_str(&query).ok())
        .unwrap_or_default();
    let words = visit.words();
    let mut errors = FieldErrors::default();
    let mut query = ProductQuery {
        limit: Some(20),
        ..ProductQuery::default()
    };
    let q = form.q.trim();
    if !q.is_empty() {
        query.q = Some(q.chars().take(200).collect());
    }
    if KINDS.contains(&form.kind.as_str()) {
        query.kind = Some(form.kind.clone());
    }
    if !form.category.is_empty() {
        query.category = form.category.parse().ok();
    }
    match parse_price(&form.min_price) {
        Ok(price) => query.min_price = price,
        Err(()) => errors.add("min_price", words.t("error-price")),
    }
    match parse_price(&form.max_price) {
        Ok(price) => query.max_price = price,
        Err(()) => errors.add("max_price", words.t("error-price")),
    }
    let tag = form.tag.trim();
    if !tag.is_empty() {
        query.tag = Some(tag.chars().take(50).collect());
    }
    if form.in_stock == "on" {
        query.in_stock = Some(true);
    }
    if SORTS.contains(&form.sort.as_str()) && (form.sort != "relevance" || query.q.is_some()) {
        query.sort = Some(form.sort.clone());
    }
    if !form.cursor.is_empty() {
        query.cursor = Some(form.cursor.clone());
    }
    let catalog = &visit.state.clients.catalog;
    let (categories, page) = tokio::join!(catalog.categories(), catalog.products(&query));
    let mut flat = Vec::new();
    flatten(&categories?, 0, &mut flat);
    let (products, next_cursor) = match page {
        Ok(page) => (page.items, page.next_cursor),
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A filter the catalog refused (a cursor from another search, a bad range).
            errors.add("filters", words.t("error-filters"));
            (Vec::new(), None)
        }
        Err(error) => return Err(error.into()),
    };
    let trail: Vec<&str> = form.trail.split('.').filter(|c| !c.is_empty()).collect();
    let next = next_cursor.map(|cursor| {
        let mut trail = trail.clone();
        trail.push(if form.cursor.is_empty() {
            "-"
        } else {
            &form.cursor
        });
        let start = trail.len().saturating_sub(MAX_TRAIL);
        listing_url(&form, &cursor, &trail[start..].join("."))
    });
    let previous = (!form.cursor.is_empty()).then(|| match trail.split_last() {
        Some((last, rest)) => {
            listing_url(&form, if *last == "-" { "" } else { last }, &rest.join("."))
        }
        None => listing_url(&form, "", ""),
    });
    let view = ListingView {
        sorts: SORTS
            .iter()
            .map(|sort| (*sort, words.t(&format!("sort-{sort}"))))
            .collect(),
        kinds: KINDS
            .iter()
            .map(|kind| (*kind, words.t(&format!("kind-{kind}"))))
            .collect(),
        categories: flat,
        products: products
            .iter()
            .map(|product| ProductCard::new(product, words))
            .collect(),
        next,
        previous,
        errors,
        form,
        layout: visit.layout,
    };
    render(&view)
}

/// A labelled fact of a product ("Author: Miguel de Cervantes").
#[derive(Debug, Clone)]
pub struct Fact {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

/// A review, as shown.
#[derive(Debug, Clone)]
pub struct ReviewLine {
    /// Who wrote it.
    pub author: String,
    /// 1 to 5.
    pub rating: i64,
    /// "★★★★☆".
    pub stars: String,
    /// What they wrote.
    pub comment: String,
    /// When.
    pub date: String,
}

/// How many reviews gave each rating, 5 down to 1.
#[derive(Debug, Clone)]
pub struct SpreadBar {
    /// The rating.
    pub stars: i64,
    /// How many.
    pub count: i64,
}

/// The product page.
#[derive(Template)]
#[template(path = "catalog/product.html")]
struct ProductView {
    layout: Layout,
    card: ProductCard,
    description: String,
    images: Vec<String>,
    facts: Vec<Fact>,
    tags: Vec<String>,
    availability: String,
    max_quantity: i64,
    reviews: Vec<ReviewLine>,
    review_count: i64,
    spread: Vec<SpreadBar>,
    can_review: bool,
    review_errors: FieldErrors,
    review_rating: String,
    review_comment: String,
}

fn facts(product: &Product, words: Words) -> Vec<Fact> {
    let fact = |key: &str, value: Option<String>| {
        value.filter(|v| !v.is_empty()).map(|value| Fact {
            label: words.t(key),
            value,
        })
    };
    let facts = match product.kind.as_str() {
        "book" => vec![
            fact("fact-author", attribute(product, "author")),
            fact("fact-isbn", attribute(product, "isbn")),
            fact("fact-publisher", attribute(product, "publisher")),
            fact("fact-year", attribute(product, "year")),
        ],
        "pet" => vec![
            fact("fact-species", attribute(product, "species")),
            fact("fact-breed", attribute(product, "breed")),
            fact(
                "fact-age",
                product
                    .attributes
                    .get("age_months")
                    .and_then(serde_json::Value::as_i64)
                    .map(|months| words.count("age-months", months)),
            ),
            fact(
                "fact-sex",
                attribute(product, "sex").map(|sex| words.t(&format!("sex-{sex}"))),
            ),
            fact(
                "fact-pet-status",
                product
                    .pet_status
                    .as_ref()
                    .map(|status| words.t(&format!("pet-status-{status}"))),
            ),
        ],
        _ => product
            .attributes
            .as_object()
            .map(|attributes| {
                attributes
                    .iter()
                    .map(|(name, _)| {
                        attribute(product, name).map(|value| Fact {
                            label: name.replace('_', " "),
                            value,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    facts.into_iter().flatten().collect()
}

fn stars(rating: i64) -> String {
    let full = usize::try_from(rating.clamp(0, 5)).unwrap_or(0);
    "★".repeat(full) + &"☆".repeat(5 - full)
}

async fn product_view(
    visit: &Visit,
    id: Uuid,
    review_errors: FieldErrors,
    review_rating: String,
    review_comment: String,
) -> Result<ProductView, PageError> {
    let catalog = &visit.state.clients.catalog;
    let (product, reviews) = tokio::join!(catalog.product(id), catalog.reviews(id));
    let product = product?;
    let reviews: Vec<Review> = reviews?.items;
    let words = visit.words();
    let card = ProductCard::new(&product, words);
    let availability = if product.status != "active" {
        words.t("availability-archived")
    } else if !card.available {
        words.t("availability-none")
    } else if product.kind == "pet" {
        words.t("availability-pet")
    } else {
        words.count("availability-stock", product.stock)
    };
    let spread = (1..=5)
        .rev()
        .map(|stars| SpreadBar {
            stars,
            count: i64::try_from(
                reviews
                    .iter()
                    .filter(|review| review.rating == stars)
                    .count(),
            )
            .unwrap_or(0),
        })
        .collect();
    let signed_in = visit.session.user().await;
    Ok(ProductView {
        description: product.description.clone(),
        images: product.images.clone(),
        facts: facts(&product, words),
        tags: product.tags.clone(),
        availability,
        max_quantity: product.stock.clamp(1, 99),
        review_count: product.rating_count,
        reviews: reviews
            .iter()
            .map(|review| ReviewLine {
                author: review.author_name.clone(),
                rating: review.rating,
                stars: stars(review.rating),
                comment: review.comment.clone(),
                date: words.date(&review.created_at),
            })
            .collect(),
        spread,
        can_review: signed_in.is_some_and(|user| user.role == "customer"),
        review_errors,
        review_rating,
        review_comment,
        card,
        layout: visit.layout.clone(),
    })
}

async fn product_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let view = product_view(
        &visit,
        id,
        FieldErrors::default(),
        "5".into(),
        String::new(),
    )
    .await?;
    render(&view)
}

/// The review form.
#[derive(Debug, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn write_review(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let words = visit.words();
    let mut errors = FieldErrors::default();
    let rating = form
        .rating
        .parse::<i64>()
        .ok()
        .filter(|r| (1..=5).contains(r));
    if rating.is_none() {
        errors.add("rating", words.t("error-rating"));
    }
    if let Some(rating) = rating {
        let review = NewReview {
            rating,
            comment: form.comment.clone(),
        };
        match visit
            .state
            .clients
            .catalog
            .review(&token, id, &review)
            .await
        {
            Ok(_) => {
                visit.flash(words.t("flash-review-thanks")).await?;
                return Ok(see(format!("/products/{id}#reviews")));
            }
            Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
                // A duplicate points at the first review; any other conflict says why.
                let message = match (&refusal.problem.existing, &refusal.problem.detail) {
                    (None, Some(detail)) => detail.clone(),
                    _ => words.t("error-review-twice"),
                };
                errors.add("comment", message);
            }
            Err(CallError::Refused(refusal))
                if refusal.status == StatusCode::UNPROCESSABLE_ENTITY =>
            {
                errors = FieldErrors::from_refusal(&refusal, &[]);
            }
            Err(error) => return Err(error.into()),
        }
    }
    let view = product_view(&visit, id, errors, form.rating, form.comment).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

#[cfg(test)]
mod tests {
    use super::parse_price;

    #[test]
    fn prices_are_read_in_major_units() {
        assert_eq!(parse_price(""), Ok(None));
        assert_eq!(parse_price("12"), Ok(Some(1200)));
        assert_eq!(parse_price("12.5"), Ok(Some(1250)));
        assert_eq!(parse_price("12,05"), Ok(Some(1205)));
        assert_eq!(parse_price(".5"), Ok(Some(50)));
        assert_eq!(parse_price("1.234"), Err(()));
        assert_eq!(parse_price("-3"), Err(()));
        assert_eq!(parse_price("abc"), Err(()));
        assert_eq!(parse_price("."), Err(()));
        assert_eq!(parse_price("99999999999"), Err(()));
    }
}

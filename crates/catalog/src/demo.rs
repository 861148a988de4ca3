//! The demo catalog a new embedded data dir gets: a category tree, 64 books (classics, with
//! their real authors and ISBN-13s that check), 28 pets, pet supplies and stationery, and a few
//! reviews. The data is `demo/catalog.json`; this file turns it into products.

use contracts::events::catalog::{CategoryCreated, ProductCreated};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::domain::product::{Kind, PetStatus};
use crate::events::snapshot;
use crate::store::{self, Category, Product, ProductStatus, Review};
use contracts::money::Money;

/// The demo catalog's data (`demo/catalog.json`).
#[derive(Deserialize)]
struct DemoCatalog {
    categories: Vec<DemoCategory>,
    books: Vec<DemoBook>,
    pets: Vec<DemoPet>,
    goods: Vec<DemoGood>,
    reviews: Vec<DemoReview>,
}

#[derive(Deserialize)]
struct DemoCategory {
    name: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct DemoBook {
    title: String,
    author: String,
    year: i64,
    shelf: String,
}

#[derive(Deserialize)]
struct DemoPet {
    name: String,
    species: String,
    breed: String,
    age_months: i64,
    sex: String,
    price: i64,
    shelf: String,
}

#[derive(Deserialize)]
struct DemoGood {
    name: String,
    shelf: String,
    price: i64,
    stock: i64,
    description: String,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct DemoReview {
    product: String,
    rating: i64,
    author: String,
    comment: String,
}

/// A valid ISBN-13 for the `n`th demo book.
fn isbn(n: usize) -> String {
    let mut digits: Vec<u32> = vec![9, 7, 8, 8, 4];
    let body = format!("{:07}", 4_100_000 + n * 37);
    digits.extend(body.chars().filter_map(|c| c.to_digit(10)));
    digits.push(crate::domain::isbn::isbn13_check_digit(&digits));
    digits.iter().map(u32::to_string).collect()
}

fn euros(amount: i64) -> Money {
    Money {
        amount,
        currency: "EUR".into(),
    }
}

/// Seeds the demo catalog into an empty database; does nothing when any category exists.
pub async fn seed(state: &State) -> anyhow::Result<()> {
    if !store::list_categories(state.database.pool())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let demo: DemoCatalog = serde_json::from_str(include_str!("../demo/catalog.json"))?;
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    let mut categories = std::collections::HashMap::new();
    for demo_category in &demo.categories {
        let category = Category {
            id: Uuid::now_v7(),
            parent_id: demo_category
                .parent
                .as_ref()
                .and_then(|parent| categories.get(parent).copied()),
            name: demo_category.name.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store::insert_category(&mut transaction, &category).await?;
        let created = CategoryCreated {
            category_id: category.id,
            parent_id: category.parent_id,
            name: category.name.clone(),
        };
        state.events.publish(&mut transaction, &created).await?;
        categories.insert(demo_category.name.clone(), category.id);
    }
    let category = |name: &str| categories.get(name).copied().unwrap_or_else(Uuid::nil);
    let mut products = Vec::new();
    for (n, book) in demo.books.iter().enumerate() {
        let genre = match book.shelf.as_str() {
            "Science fiction & fantasy" => "science-fiction",
            "Children's books" => "children",
            "Non-fiction" => "essay",
            _ => "novel",
        };
        let (title, author, year) = (&book.title, &book.author, book.year);
        products.push(Product {
            kind: Kind::Book,
            name: title.clone(),
            description: format!("{title}, by {author} ({year}). A careful paperback edition with notes."),
            category_id: category(&book.shelf),
            price: euros(899 + i64::try_from(n % 9).unwrap_or(0) * 150),
            stock: i64::try_from(3 + n % 17).unwrap_or(3),
            images: vec![format!("https://images.tienda.example/books/{}.jpg", isbn(n))],
            tags: vec!["classic".into(), genre.into()],
            attributes: json!({"author": author, "isbn": isbn(n), "publisher": "Ediciones Tienda", "year": year}),
            author: Some(author.clone()),
            pet_status: None,
            ..blank(now)
        });
    }
    for pet in &demo.pets {
        let (name, breed, age) = (&pet.name, &pet.breed, pet.age_months);
        products.push(Product {
            kind: Kind::Pet,
            name: format!("{name}, {breed}"),
            description: format!("{name} is a {age}-month-old {breed} looking for a home. Vaccinated and microchipped where the species allows."),
            category_id: category(&pet.shelf),
            price: euros(pet.price),
            stock: 1,
            images: vec![format!("https://images.tienda.example/pets/{}.jpg", name.to_lowercase())],
            tags: vec![pet.species.replace(' ', "-")],
            attributes: json!({"species": pet.species, "breed": breed, "age_months": age, "sex": pet.sex}),
            author: None,
            pet_status: Some(PetStatus::Available),
            ..blank(now)
        });
    }
    for good in demo.goods {
        products.push(Product {
            kind: Kind::Item,
            name: good.name,
            description: good.description,
            category_id: category(&good.shelf),
            price: euros(good.price),
            stock: good.stock,
            images: Vec::new(),
            tags: vec![good.shelf.to_lowercase().replace(' ', "-")],
            attributes: serde_json::Value::Object(good.attributes),
            author: None,
            pet_status: None,
            ..blank(now)
        });
    }
    // The demo's prices are written in euros; a shop in another currency shows the same
    // amounts in its own.
    for product in &mut products {
        product.price.currency.clone_from(&state.currency);
    }
    for product in &products {
        store::insert_product(&mut *transaction, product).await?;
        let created = ProductCreated {
            product: snapshot(product),
        };
        state.events.publish(&mut transaction, &created).await?;
    }
    for demo_review in demo.reviews {
        let Some(product) = products
            .iter()
            .find(|product| product.name == demo_review.product)
        else {
            continue;
        };
        let review = Review {
            id: Uuid::now_v7(),
            product_id: product.id,
            author_id: Uuid::now_v7(),
            author_name: demo_review.author,
            rating: demo_review.rating,
            comment: demo_review.comment,
            created_at: now,
            updated_at: now,
        };
        store::insert_review(&mut transaction, &review).await?;
    }
    state.events.commit(transaction).await?;
    tracing::info!(products = products.len(), "seeded the demo catalog");
    Ok(())
}

/// A product with everything but what the demo sets.
fn blank(now: time::OffsetDateTime) -> Product {
    Product {
        id: Uuid::now_v7(),
        kind: Kind::Item,
        name: String::new(),
        description: String::new(),
        category_id: Uuid::nil(),
        price: euros(0),
        stock: 0,
        images: Vec::new(),
        tags: Vec::new(),
        attributes: json!({}),
        author: None,
        pet_status: None,
        status: ProductStatus::Active,
        seller_id: None,
        rating_count: 0,
        rating_sum: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

//! The demo catalog a new embedded data dir gets: a category tree, 64 books (classics, with
//! their real authors and ISBN-13s that check), 28 pets, pet supplies and stationery, and a few
//! reviews.

use contracts::events::catalog::{CategoryCreated, ProductCreated};
use serde_json::json;
use uuid::Uuid;

use crate::State;
use crate::domain::product::{Kind, PetStatus};
use crate::events::snapshot;
use crate::store::{self, Category, Product, ProductStatus, Review};
use contracts::money::Money;

const BOOKS: [(&str, &str, i64); 64] = [
    ("Don Quixote", "Miguel de Cervantes", 1605),
    ("Pride and Prejudice", "Jane Austen", 1813),
    ("Emma", "Jane Austen", 1815),
    ("Persuasion", "Jane Austen", 1817),
    ("Moby-Dick", "Herman Melville", 1851),
    ("Bartleby, the Scrivener", "Herman Melville", 1853),
    ("Great Expectations", "Charles Dickens", 1861),
    ("A Tale of Two Cities", "Charles Dickens", 1859),
    ("Oliver Twist", "Charles Dickens", 1838),
    ("David Copperfield", "Charles Dickens", 1850),
    ("Jane Eyre", "Charlotte Brontë", 1847),
    ("Wuthering Heights", "Emily Brontë", 1847),
    ("Middlemarch", "George Eliot", 1871),
    ("The Mill on the Floss", "George Eliot", 1860),
    ("Anna Karenina", "Leo Tolstoy", 1878),
    ("War and Peace", "Leo Tolstoy", 1869),
    ("Crime and Punishment", "Fyodor Dostoevsky", 1866),
    ("The Brothers Karamazov", "Fyodor Dostoevsky", 1880),
    ("The Idiot", "Fyodor Dostoevsky", 1869),
    ("Madame Bovary", "Gustave Flaubert", 1857),
    ("Les Misérables", "Victor Hugo", 1862),
    ("The Hunchback of Notre-Dame", "Victor Hugo", 1831),
    ("The Count of Monte Cristo", "Alexandre Dumas", 1844),
    ("The Three Musketeers", "Alexandre Dumas", 1844),
    (
        "Twenty Thousand Leagues Under the Seas",
        "Jules Verne",
        1870,
    ),
    ("Around the World in Eighty Days", "Jules Verne", 1872),
    ("Journey to the Centre of the Earth", "Jules Verne", 1864),
    ("The Time Machine", "H. G. Wells", 1895),
    ("The War of the Worlds", "H. G. Wells", 1898),
    ("The Invisible Man", "H. G. Wells", 1897),
    ("Frankenstein", "Mary Shelley", 1818),
    ("Dracula", "Bram Stoker", 1897),
    (
        "The Strange Case of Dr Jekyll and Mr Hyde",
        "Robert Louis Stevenson",
        1886,
    ),
    ("Treasure Island", "Robert Louis Stevenson", 1883),
    ("Kidnapped", "Robert Louis Stevenson", 1886),
    ("Alice's Adventures in Wonderland", "Lewis Carroll", 1865),
    ("Through the Looking-Glass", "Lewis Carroll", 1871),
    ("The Adventures of Tom Sawyer", "Mark Twain", 1876),
    ("Adventures of Huckleberry Finn", "Mark Twain", 1884),
    ("Little Women", "Louisa May Alcott", 1868),
    ("The Jungle Book", "Rudyard Kipling", 1894),
    ("Kim", "Rudyard Kipling", 1901),
    ("The Wonderful Wizard of Oz", "L. Frank Baum", 1900),
    ("Peter Pan", "J. M. Barrie", 1911),
    ("The Secret Garden", "Frances Hodgson Burnett", 1911),
    ("Anne of Green Gables", "L. M. Montgomery", 1908),
    ("Heidi", "Johanna Spyri", 1881),
    ("Pinocchio", "Carlo Collodi", 1883),
    ("The Picture of Dorian Gray", "Oscar Wilde", 1890),
    ("The Importance of Being Earnest", "Oscar Wilde", 1895),
    ("Heart of Darkness", "Joseph Conrad", 1899),
    ("Lord Jim", "Joseph Conrad", 1900),
    ("The Call of the Wild", "Jack London", 1903),
    ("White Fang", "Jack London", 1906),
    ("The Hound of the Baskervilles", "Arthur Conan Doyle", 1902),
    ("A Study in Scarlet", "Arthur Conan Doyle", 1887),
    ("Fortunata y Jacinta", "Benito Pérez Galdós", 1887),
    ("La Regenta", "Leopoldo Alas \"Clarín\"", 1885),
    ("Niebla", "Miguel de Unamuno", 1914),
    ("The Origin of Species", "Charles Darwin", 1859),
    ("Walden", "Henry David Thoreau", 1854),
    ("The Art of War", "Sun Tzu", 1910),
    ("Meditations", "Marcus Aurelius", 1862),
    ("The Prince", "Niccolò Machiavelli", 1908),
];

const PETS: [(&str, &str, &str, i64, &str, i64); 28] = [
    ("Luna", "dog", "Labrador Retriever", 3, "female", 65000),
    ("Max", "dog", "Beagle", 4, "male", 55000),
    ("Coco", "dog", "Poodle", 5, "female", 70000),
    ("Rocky", "dog", "German Shepherd", 3, "male", 80000),
    ("Bella", "dog", "Golden Retriever", 2, "female", 75000),
    ("Toby", "dog", "Dachshund", 6, "male", 50000),
    ("Nala", "dog", "Border Collie", 4, "female", 60000),
    ("Simba", "dog", "Shiba Inu", 3, "male", 120000),
    ("Mishi", "cat", "Siamese", 4, "female", 30000),
    ("Garfield", "cat", "Persian", 5, "male", 40000),
    ("Kira", "cat", "Maine Coon", 3, "female", 45000),
    ("Oliver", "cat", "British Shorthair", 4, "male", 42000),
    ("Lola", "cat", "Ragdoll", 6, "female", 48000),
    ("Misu", "cat", "European Shorthair", 2, "unknown", 12000),
    ("Pelusa", "cat", "Norwegian Forest", 5, "female", 46000),
    ("Kiwi", "bird", "Budgerigar", 3, "male", 2500),
    ("Rio", "bird", "Cockatiel", 5, "female", 8000),
    ("Paco", "bird", "African Grey Parrot", 12, "male", 150000),
    ("Sol", "bird", "Canary", 4, "male", 3500),
    ("Perla", "bird", "Lovebird", 6, "female", 6000),
    ("Nemo", "fish", "Clownfish", 2, "unknown", 1800),
    ("Dory", "fish", "Blue Tang", 3, "unknown", 4500),
    ("Goldie", "fish", "Goldfish", 2, "unknown", 500),
    ("Beta", "fish", "Siamese Fighting Fish", 4, "male", 900),
    ("Tambor", "rabbit", "Holland Lop", 3, "male", 7000),
    ("Nube", "rabbit", "Lionhead", 4, "female", 7500),
    ("Bigotes", "guinea pig", "Abyssinian", 2, "male", 3000),
    ("Canela", "hamster", "Syrian", 2, "female", 1500),
];

/// Name, shelf, price, stock, description and attributes of an item.
type Good = (
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const GOODS: [Good; 12] = [
    (
        "Dry dog food, adult, 12 kg",
        "food",
        4599,
        40,
        "Complete food for adult dogs of all sizes.",
        &[("brand", "Campo Verde"), ("weight", "12 kg")],
    ),
    (
        "Wet cat food, chicken, 12 × 85 g",
        "food",
        899,
        120,
        "Chunks in gravy, grain free.",
        &[("brand", "Gatuno"), ("flavour", "chicken")],
    ),
    (
        "Seed mix for parakeets, 1 kg",
        "food",
        499,
        60,
        "Millet, canary seed and oats.",
        &[("weight", "1 kg")],
    ),
    (
        "Rope tug toy",
        "toys",
        799,
        75,
        "Cotton rope, machine washable.",
        &[("material", "cotton")],
    ),
    (
        "Feather wand for cats",
        "toys",
        599,
        90,
        "Keeps indoor cats moving.",
        &[("length", "70 cm")],
    ),
    (
        "Squeaky ball, pack of 3",
        "toys",
        699,
        50,
        "Natural rubber, floats in water.",
        &[("material", "rubber")],
    ),
    (
        "Orthopaedic dog bed, large",
        "supplies",
        6999,
        15,
        "Memory foam, removable cover.",
        &[("size", "L"), ("colour", "grey")],
    ),
    (
        "Scratching post, 80 cm",
        "supplies",
        3499,
        20,
        "Sisal rope on a heavy base.",
        &[("height", "80 cm")],
    ),
    (
        "Aquarium starter kit, 60 l",
        "supplies",
        8999,
        8,
        "Tank, filter, heater and light.",
        &[("volume", "60 l")],
    ),
    (
        "Hardcover notebook, dotted",
        "stationery",
        1299,
        200,
        "A5, 192 pages, 100 g paper.",
        &[("size", "A5"), ("pages", "192")],
    ),
    (
        "Fountain pen, medium nib",
        "stationery",
        2499,
        35,
        "Steel nib, converter included.",
        &[("nib", "M")],
    ),
    (
        "Bookmarks, set of 6",
        "stationery",
        399,
        300,
        "Illustrated with classic covers.",
        &[("count", "6")],
    ),
];

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
    let now = platform::time::now();
    let mut transaction = state.database.begin().await?;
    let mut categories = std::collections::HashMap::new();
    for (name, parent) in [
        ("Books", None),
        ("Fiction", Some("Books")),
        ("Children's books", Some("Books")),
        ("Science fiction & fantasy", Some("Books")),
        ("Non-fiction", Some("Books")),
        ("Pets", None),
        ("Dogs", Some("Pets")),
        ("Cats", Some("Pets")),
        ("Birds", Some("Pets")),
        ("Fish", Some("Pets")),
        ("Small pets", Some("Pets")),
        ("Pet supplies", None),
        ("Food", Some("Pet supplies")),
        ("Toys", Some("Pet supplies")),
        ("Beds and habitats", Some("Pet supplies")),
        ("Stationery", None),
    ] {
        let category = Category {
            id: Uuid::now_v7(),
            parent_id: parent.and_then(|parent| categories.get(parent).copied()),
            name: name.to_owned(),
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
        categories.insert(name, category.id);
    }
    let category = |name: &str| categories.get(name).copied().unwrap_or_else(Uuid::nil);
    let mut products = Vec::new();
    for (n, (title, author, year)) in BOOKS.iter().enumerate() {
        let shelf = match n {
            24..=31 => "Science fiction & fantasy",
            35..=47 => "Children's books",
            59..=63 => "Non-fiction",
            _ => "Fiction",
        };
        let tags: Vec<String> = match shelf {
            "Science fiction & fantasy" => vec!["classic".into(), "science-fiction".into()],
            "Children's books" => vec!["classic".into(), "children".into()],
            "Non-fiction" => vec!["classic".into(), "essay".into()],
            _ => vec!["classic".into(), "novel".into()],
        };
        products.push(Product {
            kind: Kind::Book,
            name: (*title).to_owned(),
            description: format!("{title}, by {author} ({year}). A careful paperback edition with notes."),
            category_id: category(shelf),
            price: euros(899 + i64::try_from(n % 9).unwrap_or(0) * 150),
            stock: i64::try_from(3 + n % 17).unwrap_or(3),
            images: vec![format!("https://images.tienda.example/books/{}.jpg", isbn(n))],
            tags,
            attributes: json!({"author": author, "isbn": isbn(n), "publisher": "Ediciones Tienda", "year": year}),
            author: Some((*author).to_owned()),
            pet_status: None,
            ..blank(now)
        });
    }
    for (name, species, breed, age, sex, price) in PETS {
        let shelf = match species {
            "dog" => "Dogs",
            "cat" => "Cats",
            "bird" => "Birds",
            "fish" => "Fish",
            _ => "Small pets",
        };
        products.push(Product {
            kind: Kind::Pet,
            name: format!("{name}, {breed}"),
            description: format!("{name} is a {age}-month-old {breed} looking for a home. Vaccinated and microchipped where the species allows."),
            category_id: category(shelf),
            price: euros(price),
            stock: 1,
            images: vec![format!("https://images.tienda.example/pets/{}.jpg", name.to_lowercase())],
            tags: vec![species.replace(' ', "-")],
            attributes: json!({"species": species, "breed": breed, "age_months": age, "sex": sex}),
            author: None,
            pet_status: Some(PetStatus::Available),
            ..blank(now)
        });
    }
    for (name, shelf, price, stock, description, attributes) in GOODS {
        let shelf = match shelf {
            "food" => "Food",
            "toys" => "Toys",
            "supplies" => "Beds and habitats",
            _ => "Stationery",
        };
        let attributes: serde_json::Map<String, serde_json::Value> = attributes
            .iter()
            .map(|(key, value)| ((*key).to_owned(), json!(value)))
            .collect();
        products.push(Product {
            kind: Kind::Item,
            name: name.to_owned(),
            description: description.to_owned(),
            category_id: category(shelf),
            price: euros(price),
            stock,
            images: Vec::new(),
            tags: vec![shelf.to_lowercase().replace(' ', "-")],
            attributes: serde_json::Value::Object(attributes),
            author: None,
            pet_status: None,
            ..blank(now)
        });
    }
    for product in &products {
        store::insert_product(&mut *transaction, product).await?;
        let created = ProductCreated {
            product: snapshot(product),
        };
        state.events.publish(&mut transaction, &created).await?;
    }
    let reviews = [
        (0, 5, "Marta", "A joy from the first page to the last."),
        (0, 4, "Jorge", "Long, but worth every chapter."),
        (1, 5, "Lucía", "I reread it every summer."),
        (4, 3, "Andrés", "More about whales than I expected."),
        (24, 5, "Sofía", "Still thrilling."),
        (
            64,
            5,
            "Pablo",
            "Luna is the sweetest dog; the visit was easy to arrange.",
        ),
    ];
    for (index, rating, author, comment) in reviews {
        let Some(product) = products.get(index) else {
            continue;
        };
        let review = Review {
            id: Uuid::now_v7(),
            product_id: product.id,
            author_id: Uuid::now_v7(),
            author_name: author.to_owned(),
            rating,
            comment: comment.to_owned(),
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

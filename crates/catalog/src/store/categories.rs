//! The `categories` table: a tree by `parent_id`, names unique among siblings.

use platform::db::{Constraint, on_constraint};
use platform::time::{from_db, to_db};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{StoreError, uuid};

/// A category as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Its id.
    pub id: Uuid,
    /// The category it sits in; `None` at the root.
    pub parent_id: Option<Uuid>,
    /// Its name, as given.
    pub name: String,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, parent_id, name, version, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Category, StoreError> {
    let parent: Option<String> = row.try_get("parent_id")?;
    Ok(Category {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        parent_id: parent.as_deref().map(uuid).transpose()?,
        name: row.try_get("name")?,
        version: row.try_get("version")?,
        created_at: from_db(&row.try_get::<String, _>("created_at")?)?,
        updated_at: from_db(&row.try_get::<String, _>("updated_at")?)?,
    })
}

/// The key names are compared by among siblings.
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

async fn sibling_with_name(
    executor: impl Executor<'_, Database = Any>,
    parent_id: Option<Uuid>,
    name: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM categories WHERE COALESCE(parent_id, '') = $1 AND name_key = $2",
    )
    .bind(parent_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(name_key(name))
    .fetch_optional(executor)
    .await?;
    Ok(id.as_deref().map(uuid).transpose()?)
}

fn write_error(error: sqlx::Error) -> StoreError {
    on_constraint(error, |broken| match broken {
        Constraint::Unique => Some(StoreError::DuplicateName(None)),
        Constraint::ForeignKey => Some(StoreError::UnknownCategory),
        Constraint::Check => None,
    })
}

/// Inserts a category; a sibling with the same name is [`StoreError::DuplicateName`].
pub async fn insert_category(
    transaction: &mut sqlx::Transaction<'static, Any>,
    category: &Category,
) -> Result<(), StoreError> {
    if let Some(existing) =
        sibling_with_name(&mut **transaction, category.parent_id, &category.name).await?
    {
        return Err(StoreError::DuplicateName(Some(existing)));
    }
    sqlx::query(
        "INSERT INTO categories (id, parent_id, name, name_key, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $5)",
    )
    .bind(category.id.to_string())
    .bind(category.parent_id.map(|id| id.to_string()))
    .bind(&category.name)
    .bind(name_key(&category.name))
    .bind(to_db(category.created_at))
    .execute(&mut **transaction)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Every category, by name.
pub async fn list_categories(
    executor: impl Executor<'_, Database = Any>,
) -> Result<Vec<Category>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM categories ORDER BY name_key, id"
    ))
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One category.
pub async fn find_category(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<Option<Category>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM categories WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Writes a category's name and parent if its version is still `category.version`; returns it
/// with its new version.
pub async fn update_category(
    transaction: &mut sqlx::Transaction<'static, Any>,
    category: &Category,
    now: OffsetDateTime,
) -> Result<Category, StoreError> {
    if let Some(existing) =
        sibling_with_name(&mut **transaction, category.parent_id, &category.name).await?
        && existing != category.id
    {
        return Err(StoreError::DuplicateName(Some(existing)));
    }
    let done = sqlx::query(
        "UPDATE categories SET parent_id = $1, name = $2, name_key = $3, version = version + 1, \
         updated_at = $4 WHERE id = $5 AND version = $6",
    )
    .bind(category.parent_id.map(|id| id.to_string()))
    .bind(&category.name)
    .bind(name_key(&category.name))
    .bind(to_db(now))
    .bind(category.id.to_string())
    .bind(category.version)
    .execute(&mut **transaction)
    .await
    .map_err(write_error)?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale);
    }
    find_category(&mut **transaction, category.id)
        .await?
        .ok_or(StoreError::Stale)
}

/// Whether a category still holds products (active or archived) or categories.
pub async fn category_in_use(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<bool, StoreError> {
    let used: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM products WHERE category_id = $1) \
              + (SELECT COUNT(*) FROM categories WHERE parent_id = $1)",
    )
    .bind(id.to_string())
    .fetch_one(executor)
    .await?;
    Ok(used > 0)
}

/// Deletes a category; false when there was none. A product or child arriving meanwhile makes
/// the foreign key refuse it.
pub async fn delete_category(
    executor: impl Executor<'_, Database = Any>,
    id: Uuid,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM categories WHERE id = $1")
        .bind(id.to_string())
        .execute(executor)
        .await
        .map_err(|error| {
            on_constraint(error, |broken| {
                (broken == Constraint::ForeignKey).then_some(StoreError::InUse)
            })
        })?;
    Ok(done.rows_affected() > 0)
}

//! Categories: a tree that administrators shape. Names are unique among siblings; a category
//! that still holds products or categories cannot be deleted; no category can sit inside itself.

use contracts::events::catalog::CategoryCreated;
use platform::auth::Caller;
use platform::http::IfMatch;
use platform::text::clean_text;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::State;
use crate::error::Error;
use crate::store::{self, Category};

/// A new category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// 1 to 100 characters, unique among its siblings (ignoring case).
    pub name: String,
    /// The category it sits in; absent or `null` for a top-level category.
    pub parent_id: Option<Uuid>,
}

/// A change to a category: a new name, a new place, or both.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChange {
    /// The new name.
    pub name: Option<String>,
    /// The new parent; `null` moves it to the top level.
    #[serde(default, deserialize_with = "platform::text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
}

fn parse_name(name: &str) -> Result<String, Error> {
    clean_text("name", name, 1, 100).map_err(|error| Error::Invalid(vec![error]))
}

/// Every category.
pub async fn list(state: &State) -> Result<Vec<Category>, Error> {
    Ok(store::list_categories(state.database.pool()).await?)
}

/// One category.
pub async fn get(state: &State, id: Uuid) -> Result<Category, Error> {
    store::find_category(state.database.pool(), id)
        .await?
        .ok_or(Error::NotFound)
}

async fn ensure_parent(state: &State, parent: Option<Uuid>) -> Result<(), Error> {
    if let Some(parent) = parent
        && store::find_category(state.database.pool(), parent)
            .await?
            .is_none()
    {
        return Err(Error::invalid(
            "parent_id",
            "unknown",
            "there is no such category",
        ));
    }
    Ok(())
}

/// Makes a category (administrators) and announces it.
pub async fn create(state: &State, caller: &Caller, input: NewCategory) -> Result<Category, Error> {
    caller.require_admin()?;
    let name = parse_name(&input.name)?;
    ensure_parent(state, input.parent_id).await?;
    let now = platform::time::now();
    let category = Category {
        id: Uuid::now_v7(),
        parent_id: input.parent_id,
        name,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut transaction = state.database.begin().await?;
    store::insert_category(&mut transaction, &category).await?;
    let created = CategoryCreated {
        category_id: category.id,
        parent_id: category.parent_id,
        name: category.name.clone(),
    };
    state.events.publish(&mut transaction, &created).await?;
    state.events.commit(transaction).await?;
    Ok(category)
}

/// Renames or moves a category (administrators).
pub async fn update(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
    change: CategoryChange,
) -> Result<Category, Error> {
    caller.require_admin()?;
    let current = get(state, id).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    let mut next = current.clone();
    if let Some(name) = change.name {
        next.name = parse_name(&name)?;
    }
    if let Some(parent) = change.parent_id {
        ensure_parent(state, parent).await?;
        // Walk up from the new parent: meeting this category means a cycle.
        let mut above = parent;
        while let Some(ancestor) = above {
            if ancestor == id {
                return Err(Error::invalid(
                    "parent_id",
                    "cycle",
                    "a category cannot sit inside itself or its own subcategories",
                ));
            }
            above = store::find_category(state.database.pool(), ancestor)
                .await?
                .and_then(|category| category.parent_id);
        }
        next.parent_id = parent;
    }
    if next == current {
        return Ok(current);
    }
    let mut transaction = state.database.begin().await?;
    let saved = store::update_category(&mut transaction, &next, platform::time::now()).await?;
    transaction.commit().await?;
    Ok(saved)
}

/// Deletes an empty category (administrators).
pub async fn delete(
    state: &State,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
) -> Result<(), Error> {
    caller.require_admin()?;
    let current = get(state, id).await?;
    if_match.check(current.version).map_err(|_| Error::Stale)?;
    if store::category_in_use(state.database.pool(), id).await? {
        return Err(store::StoreError::InUse.into());
    }
    if !store::delete_category(state.database.writer(), id).await? {
        return Err(Error::NotFound);
    }
    Ok(())
}

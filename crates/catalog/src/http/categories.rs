//! `/categories`: the tree (or a flat list), and its administration.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use platform::ApiError;
use platform::auth::Caller;
use platform::auth::{Admins, Allowed};
use platform::error::Problem;
use platform::http::problems::{Forbidden, Invalid, NotFound, Stale};
use platform::http::{Created, IdPath, IfMatch, Json, Query, etag};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::State;
use crate::app::categories::{self, CategoryChange, NewCategory};
use crate::store::Category;

pub(super) fn router() -> OpenApiRouter<State> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(get_category, update_category, delete_category))
}

/// A category as the API shows it; in the tree, with its subcategories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The category it sits in; `null` at the top.
    pub parent_id: Option<Uuid>,
    /// Its version (the ETag).
    pub version: i64,
    /// Created (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The categories inside it (in the tree; absent in the flat list).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub children: Option<Vec<CategoryView>>,
}

impl CategoryView {
    fn flat(category: &Category) -> Self {
        Self {
            id: category.id,
            name: category.name.clone(),
            parent_id: category.parent_id,
            version: category.version,
            created_at: category.created_at,
            children: None,
        }
    }

    fn tree(all: &[Category], parent: Option<Uuid>) -> Vec<Self> {
        all.iter()
            .filter(|category| category.parent_id == parent)
            .map(|category| Self {
                children: Some(Self::tree(all, Some(category.id))),
                ..Self::flat(category)
            })
            .collect()
    }
}

/// The categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    /// The top-level categories with their subcategories, or every category (`?flat=true`).
    pub items: Vec<CategoryView>,
}

/// How to show the categories.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// `true`: every category in one list, each with its `parent_id`; otherwise the tree.
    pub flat: Option<bool>,
}

/// The categories, as a tree (default) or a flat list; names in alphabetical order. Anyone may
/// read them.
#[utoipa::path(
    get, path = "/categories", tag = "catalog",
    params(CategoryQuery),
    responses((status = 200, description = "The categories", body = CategoryList))
)]
async fn list_categories(
    state: State,
    Query(query): Query<CategoryQuery>,
) -> Result<Json<CategoryList>, ApiError> {
    let all = categories::list(&state).await?;
    let items = if query.flat.unwrap_or(false) {
        all.iter().map(CategoryView::flat).collect()
    } else {
        CategoryView::tree(&all, None)
    };
    Ok(Json(CategoryList { items }))
}

/// Make a category (administrators).
#[utoipa::path(
    post, path = "/categories", tag = "catalog", security(("bearer" = [])),
    request_body = NewCategory,
    responses(
        (status = 201, description = "Made", body = CategoryView),
        (status = 409, description = "A sibling has this name", body = Problem, content_type = "application/problem+json"),
        Forbidden, Invalid,
    )
)]
async fn create_category(
    state: State,
    Allowed(caller, _): Allowed<Admins>,
    Json(body): Json<NewCategory>,
) -> Result<impl IntoResponse, ApiError> {
    let category = categories::create(&state, &caller, body).await?;
    let location = format!("{}/categories/{}", crate::PREFIX, category.id);
    Ok(Created::at(location, CategoryView::flat(&category)).with_version(category.version))
}

/// One category.
#[utoipa::path(
    get, path = "/categories/{id}", tag = "catalog",
    params(("id" = Uuid, Path, description = "The category id")),
    responses(
        (status = 200, description = "The category; ETag is its version", body = CategoryView),
        NotFound,
    )
)]
async fn get_category(
    state: State,
    IdPath(id): IdPath<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let category = categories::get(&state, id).await?;
    Ok((
        [etag(category.version)],
        Json(CategoryView::flat(&category)),
    ))
}

/// Rename or move a category (administrators).
#[utoipa::path(
    patch, path = "/categories/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The category id")),
    request_body = CategoryChange,
    responses(
        (status = 200, description = "The changed category", body = CategoryView),
        (status = 409, description = "A sibling has this name", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Stale, Invalid,
    )
)]
async fn update_category(
    state: State,
    Allowed(caller, _): Allowed<Admins>,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
    Json(body): Json<CategoryChange>,
) -> Result<impl IntoResponse, ApiError> {
    let category = categories::update(&state, &caller, id, &if_match, body).await?;
    Ok((
        [etag(category.version)],
        Json(CategoryView::flat(&category)),
    ))
}

/// Delete an empty category (administrators).
#[utoipa::path(
    delete, path = "/categories/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The category id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "It still holds products or categories", body = Problem, content_type = "application/problem+json"),
        Forbidden, NotFound, Stale,
    )
)]
async fn delete_category(
    state: State,
    caller: Caller,
    IdPath(id): IdPath<Uuid>,
    if_match: IfMatch,
) -> Result<StatusCode, ApiError> {
    categories::delete(&state, &caller, id, &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

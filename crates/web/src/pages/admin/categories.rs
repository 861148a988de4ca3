//! The category tree, for administrators: make one (at the top or under another), rename,
//! move, delete when it holds nothing. The catalog refuses a move inside itself and a deletion
//! of a category with products or children; the page says why.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::catalog::Category;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::super::cart::EmptyForm;
use super::super::{parse_id, render, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::CallError;
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/categories", get(categories_page).post(create))
        .route("/admin/categories/{id}", post(change))
        .route("/admin/categories/{id}/delete", post(delete))
}

/// A category in the tree, flattened: its depth gives the indent.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its parent.
    pub parent: Option<Uuid>,
    /// How deep (0: at the top).
    pub depth: usize,
    /// Whether it has children (then it cannot be deleted).
    pub has_children: bool,
}

fn flatten(categories: &[Category], depth: usize, into: &mut Vec<Node>) {
    for category in categories {
        into.push(Node {
            id: category.id,
            name: category.name.clone(),
            parent: category.parent_id,
            depth,
            has_children: !category.children.is_empty(),
        });
        flatten(&category.children, depth + 1, into);
    }
}

/// The tree.
#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesView {
    layout: Layout,
    menu: Vec<MenuLink>,
    nodes: Vec<Node>,
}

impl CategoriesView {
    /// The indent of a node's name.
    pub fn indent(&self, node: &Node) -> String {
        "— ".repeat(node.depth)
    }
}

async fn categories_page(visit: Visit) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Categories).await?;
    let tree = desk.visit.state.clients.catalog.categories().await?;
    let mut nodes = Vec::new();
    flatten(&tree, 0, &mut nodes);
    render(&CategoriesView {
        nodes,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

/// Back to the tree with what happened, or the catalog's reason for refusing.
async fn after<T>(
    desk: &Backstage,
    result: Result<T, CallError>,
    done: &str,
) -> Result<Response, PageError> {
    let words = desk.visit.words();
    let message = match result {
        Ok(_) => words.t(done),
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
            ) =>
        {
            let fields: Vec<String> = refusal
                .problem
                .errors
                .iter()
                .map(|error| error.message.clone())
                .collect();
            if fields.is_empty() {
                refusal
                    .problem
                    .detail
                    .clone()
                    .unwrap_or_else(|| words.t("desk-refused"))
            } else {
                fields.join(" ")
            }
        }
        Err(error) => return Err(error.into()),
    };
    desk.visit.flash(message).await?;
    Ok(see("/admin/categories"))
}

/// A parent as a form sends it: empty for the top.
fn parent(text: &str) -> Result<Value, PageError> {
    match text.trim() {
        "" => Ok(Value::Null),
        id => id
            .parse::<Uuid>()
            .map(|id| Value::from(id.to_string()))
            .map_err(|_| PageError::BadRequest),
    }
}

#[derive(Debug, Deserialize)]
struct NewCategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent: String,
}

async fn create(visit: Visit, Form(form): Form<NewCategoryForm>) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Categories).await?;
    let body = json!({ "name": form.name.trim(), "parent_id": parent(&form.parent)? });
    let made = desk
        .visit
        .state
        .clients
        .catalog
        .create_category(&desk.token, &body)
        .await;
    after(&desk, made, "flash-category-made").await
}

#[derive(Debug, Deserialize)]
struct ChangeForm {
    /// A new name, when renaming.
    name: Option<String>,
    /// A new parent, when moving (empty: to the top).
    parent: Option<String>,
}

async fn change(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Categories).await?;
    let body = match (&form.name, &form.parent) {
        (Some(name), None) => json!({ "name": name.trim() }),
        (None, Some(to)) => json!({ "parent_id": parent(to)? }),
        _ => return Err(PageError::BadRequest),
    };
    let changed = desk
        .visit
        .state
        .clients
        .catalog
        .change_category(&desk.token, id, &body)
        .await;
    after(&desk, changed, "flash-category-changed").await
}

async fn delete(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Categories).await?;
    let deleted = desk
        .visit
        .state
        .clients
        .catalog
        .delete_category(&desk.token, id)
        .await;
    after(&desk, deleted, "flash-category-deleted").await
}

//! The back office, under `/admin`: the dashboard, the support desk, customers and orders
//! (agents, administrators), the catalog (sellers: their own products; administrators: all),
//! people, delivery options and dead letters (administrators). Each part is shown by role; a
//! page of another part is 403. The services check every call again with the person's token,
//! so this gate decides what is shown, not what is allowed.

mod administration;
mod catalog;
mod categories;
mod customers;
mod dashboard;
mod desk;
mod orders;

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use uuid::Uuid;

use super::see;
use crate::State;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin", get(landing))
        .merge(desk::router())
        .merge(orders::router())
        .merge(catalog::router())
        .merge(customers::router())
        .merge(dashboard::router())
        .merge(administration::router())
        .merge(categories::router())
}

/// A part of the back office, and who works in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Figures of the day and the week (agents, administrators).
    Dashboard,
    /// Incidents (agents, administrators).
    Desk,
    /// Customer records (agents, administrators).
    Customers,
    /// Orders (agents, administrators).
    Orders,
    /// Products and stock (sellers, administrators).
    Catalog,
    /// The category tree (administrators).
    Categories,
    /// People and their roles (administrators).
    Users,
    /// Delivery options (administrators).
    Delivery,
    /// Events that could not be handled (administrators).
    DeadLetters,
}

impl Part {
    /// Every part, in the order of the menu.
    const ALL: [Part; 9] = [
        Part::Dashboard,
        Part::Desk,
        Part::Customers,
        Part::Orders,
        Part::Catalog,
        Part::Categories,
        Part::Users,
        Part::Delivery,
        Part::DeadLetters,
    ];

    /// Whether someone with `role` works here.
    pub fn admits(self, role: &str) -> bool {
        match self {
            Part::Dashboard | Part::Desk | Part::Customers | Part::Orders => {
                matches!(role, "agent" | "admin")
            }
            Part::Catalog => matches!(role, "seller" | "admin"),
            Part::Categories | Part::Users | Part::Delivery | Part::DeadLetters => role == "admin",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Part::Dashboard => "/admin/dashboard",
            Part::Desk => "/admin/incidents",
            Part::Customers => "/admin/customers",
            Part::Orders => "/admin/orders",
            Part::Catalog => "/admin/products",
            Part::Categories => "/admin/categories",
            Part::Users => "/admin/users",
            Part::Delivery => "/admin/delivery-options",
            Part::DeadLetters => "/admin/dead-letters",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Part::Dashboard => "admin-nav-dashboard",
            Part::Desk => "admin-nav-desk",
            Part::Customers => "admin-nav-customers",
            Part::Orders => "admin-nav-orders",
            Part::Catalog => "admin-nav-catalog",
            Part::Categories => "admin-nav-categories",
            Part::Users => "admin-nav-users",
            Part::Delivery => "admin-nav-delivery",
            Part::DeadLetters => "admin-nav-dead-letters",
        }
    }
}

/// A link of the back office's menu.
#[derive(Debug, Clone)]
pub struct MenuLink {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: String,
    /// Whether the page is in this part.
    pub current: bool,
}

/// A request to a page of the back office, let in: the person's token, who they are and the
/// menu of the parts they work in.
pub struct Backstage {
    /// The request.
    pub visit: Visit,
    /// A live access token.
    pub token: String,
    /// Their user id.
    pub user_id: Uuid,
    /// Their role.
    pub role: String,
    /// The menu.
    pub menu: Vec<MenuLink>,
}

impl Backstage {
    /// Lets the signed-in person into `part`; sign in first, 403 when it is not theirs.
    pub async fn enter(visit: Visit, part: Part) -> Result<Self, PageError> {
        let token = visit.bearer().await?;
        let user = visit.user().await?;
        if !part.admits(&user.role) {
            return Err(PageError::Forbidden);
        }
        let words = visit.words();
        let menu = Part::ALL
            .into_iter()
            .filter(|candidate| candidate.admits(&user.role))
            .map(|candidate| MenuLink {
                href: candidate.path(),
                label: words.t(candidate.label()),
                current: candidate == part,
            })
            .collect();
        Ok(Self {
            visit,
            token,
            user_id: user.user_id,
            role: user.role,
            menu,
        })
    }

    /// The page's frame.
    pub fn layout(&self) -> Layout {
        self.visit.layout.clone()
    }

    /// Whether they administer the shop.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// `/admin`: the first part the person works in.
async fn landing(visit: Visit) -> Result<Response, PageError> {
    visit.bearer().await?;
    let user = visit.user().await?;
    Part::ALL
        .into_iter()
        .find(|part| part.admits(&user.role))
        .map(|part| see(part.path()))
        .ok_or(PageError::Forbidden)
}

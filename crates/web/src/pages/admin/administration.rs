//! Administration, for administrators: people and their roles (change a role, delete an
//! account), the delivery options, and the dead letters of the services that consume events.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::DeadLetter;
use contracts::clients::identity::Account;
use contracts::clients::orders::DeliveryOption;
use contracts::money::Money;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::super::cart::EmptyForm;
use super::super::catalog::parse_price;
use super::super::{FieldErrors, parse_id, render, render_with, see};
use super::{Backstage, MenuLink, Part};
use crate::State;
use crate::clients::CallError;
use crate::csrf::Form;
use crate::error::PageError;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/admin/users", get(users_page))
        .route("/admin/users/{id}/role", post(change_role))
        .route("/admin/users/{id}/delete", post(delete_user))
        .route(
            "/admin/delivery-options",
            get(delivery_page).post(add_delivery_option),
        )
        .route("/admin/delivery-options/{id}", post(change_delivery_option))
        .route("/admin/dead-letters", get(dead_letters_page))
        .route("/admin/dead-letters/{service}/{id}/replay", post(replay))
}

const ROLES: [&str; 4] = ["customer", "seller", "agent", "admin"];

/// After an action: a message, back to `path`; a refusal in the service's words.
async fn after<T>(
    desk: &Backstage,
    path: &str,
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
            refusal
                .problem
                .detail
                .clone()
                .unwrap_or_else(|| words.t("desk-refused"))
        }
        Err(error) => return Err(error.into()),
    };
    desk.visit.flash(message).await?;
    Ok(see(path))
}

#[derive(Debug, Default, Deserialize)]
struct UserParams {
    #[serde(default)]
    role: String,
    #[serde(default)]
    email: String,
    cursor: Option<String>,
}

/// People and their roles.
#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersView {
    layout: Layout,
    menu: Vec<MenuLink>,
    users: Vec<Account>,
    roles: Vec<(&'static str, String)>,
    role: String,
    email: String,
    me: Uuid,
    next: Option<String>,
}

async fn users_page(visit: Visit, Query(params): Query<UserParams>) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Users).await?;
    let role = ROLES
        .contains(&params.role.as_str())
        .then_some(params.role.as_str());
    let email = params.email.trim();
    let found = desk
        .visit
        .state
        .clients
        .identity
        .users(&desk.token, role, email, params.cursor.as_deref())
        .await;
    let page = match found {
        Ok(page) => page,
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            // A cursor from an old or forged link: the list from the top.
            return Ok(see("/admin/users"));
        }
        Err(error) => return Err(error.into()),
    };
    let next = page.next_cursor.map(|cursor| {
        let mut pairs = vec![("cursor", cursor)];
        if let Some(role) = role {
            pairs.push(("role", role.to_owned()));
        }
        if !email.is_empty() {
            pairs.push(("email", email.to_owned()));
        }
        format!(
            "/admin/users?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    });
    let words = desk.visit.words();
    render(&UsersView {
        users: page.items,
        roles: ROLES
            .iter()
            .map(|role| (*role, words.t(&format!("role-{role}"))))
            .collect(),
        role: role.unwrap_or_default().to_owned(),
        email: email.to_owned(),
        me: desk.user_id,
        next,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn change_role(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Users).await?;
    if !ROLES.contains(&form.role.as_str()) {
        return Err(PageError::BadRequest);
    }
    let changed = desk
        .visit
        .state
        .clients
        .identity
        .set_role(&desk.token, id, &form.role)
        .await;
    after(&desk, "/admin/users", changed, "flash-role-changed").await
}

async fn delete_user(
    visit: Visit,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Users).await?;
    let deleted = desk
        .visit
        .state
        .clients
        .identity
        .delete_user(&desk.token, id)
        .await;
    after(&desk, "/admin/users", deleted, "flash-user-deleted").await
}

/// A delivery option in the list.
#[derive(Debug, Clone)]
pub struct OptionRow {
    /// The option.
    pub option: DeliveryOption,
    /// Its price in major units, as the form shows it.
    pub price: String,
}

/// The form that adds a delivery option.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OptionForm {
    /// The carrier.
    #[serde(default)]
    pub carrier: String,
    /// Its name for the customer.
    #[serde(default)]
    pub name: String,
    /// The price, major units.
    #[serde(default)]
    pub price: String,
    /// The price's currency.
    #[serde(default)]
    pub currency: String,
    /// Days it takes.
    #[serde(default)]
    pub estimated_days: String,
    /// `1`: offered at checkout.
    #[serde(default)]
    pub active: String,
}

/// The delivery options.
#[derive(Template)]
#[template(path = "admin/delivery.html")]
struct DeliveryView {
    layout: Layout,
    menu: Vec<MenuLink>,
    options: Vec<OptionRow>,
    form: OptionForm,
    errors: FieldErrors,
}

async fn delivery_view(
    desk: &Backstage,
    form: OptionForm,
    errors: FieldErrors,
) -> Result<DeliveryView, PageError> {
    let options = desk
        .visit
        .state
        .clients
        .orders
        .all_delivery_options(&desk.token)
        .await?;
    Ok(DeliveryView {
        options: options
            .into_iter()
            .map(|option| OptionRow {
                price: major_units(&option.price),
                option,
            })
            .collect(),
        form,
        errors,
        layout: desk.layout(),
        menu: desk.menu.clone(),
    })
}

/// An amount as typed in a form: `12.50`, or `1500` in a currency without cents.
pub(super) fn major_units(money: &Money) -> String {
    let (whole, cents) = (money.amount / 100, money.amount % 100);
    format!("{whole}.{cents:02}")
}

async fn delivery_page(visit: Visit) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Delivery).await?;
    let form = OptionForm {
        currency: desk.visit.state.currency.clone(),
        active: "1".to_owned(),
        ..OptionForm::default()
    };
    render(&delivery_view(&desk, form, FieldErrors::default()).await?)
}

/// The API's body from the form, or what the page can tell is wrong.
fn option_body(form: &OptionForm, words: crate::i18n::Words) -> Result<Value, FieldErrors> {
    let mut errors = FieldErrors::default();
    let price = match parse_price(&form.price) {
        Ok(Some(price)) => price,
        _ => {
            errors.add("price", words.t("error-price"));
            0
        }
    };
    let days = form
        .estimated_days
        .trim()
        .parse::<i64>()
        .unwrap_or_else(|_| {
            errors.add("estimated_days", words.t("error-whole-number"));
            0
        });
    if !errors.is_empty() {
        return Err(errors);
    }
    let currency = if form.currency.trim().is_empty() {
        "EUR"
    } else {
        form.currency.trim()
    };
    Ok(json!({
        "carrier": form.carrier.trim(),
        "name": form.name.trim(),
        "price": Money::new(price, currency),
        "estimated_days": days,
        "active": form.active == "1",
    }))
}

async fn add_delivery_option(
    visit: Visit,
    Form(form): Form<OptionForm>,
) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::Delivery).await?;
    let words = desk.visit.words();
    let errors = match option_body(&form, words) {
        Err(errors) => errors,
        Ok(body) => match desk
            .visit
            .state
            .clients
            .orders
            .add_delivery_option(&desk.token, &body)
            .await
        {
            Ok(_) => {
                desk.visit.flash(words.t("flash-delivery-added")).await?;
                return Ok(see("/admin/delivery-options"));
            }
            Err(CallError::Refused(refusal))
                if refusal.status == StatusCode::UNPROCESSABLE_ENTITY =>
            {
                let mut errors = FieldErrors::from_refusal(
                    &refusal,
                    &[("price.amount", "price"), ("price.currency", "currency")],
                );
                if errors.is_empty() {
                    errors.add("name", refusal.problem.detail.clone().unwrap_or_default());
                }
                errors
            }
            Err(error) => return Err(error.into()),
        },
    };
    let view = delivery_view(&desk, form, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// A change to one option: its price, days, and whether it is offered.
#[derive(Debug, Deserialize)]
struct OptionChange {
    #[serde(default)]
    price: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    estimated_days: String,
    #[serde(default)]
    active: String,
}

async fn change_delivery_option(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<OptionChange>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::Delivery).await?;
    let words = desk.visit.words();
    let (Ok(Some(price)), Ok(days)) = (
        parse_price(&form.price),
        form.estimated_days.trim().parse::<i64>(),
    ) else {
        desk.visit.flash(words.t("error-delivery-change")).await?;
        return Ok(see("/admin/delivery-options"));
    };
    let change = json!({
        "price": Money::new(price, form.currency.trim()),
        "estimated_days": days,
        "active": form.active == "1",
    });
    let changed = desk
        .visit
        .state
        .clients
        .orders
        .change_delivery_option(&desk.token, id, &change)
        .await;
    after(
        &desk,
        "/admin/delivery-options",
        changed,
        "flash-delivery-changed",
    )
    .await
}

/// The services whose dead letters the page shows: those that consume events.
const CONSUMERS: [&str; 2] = ["customers", "support"];

/// The dead letters.
#[derive(Template)]
#[template(path = "admin/dead_letters.html")]
struct DeadLettersView {
    layout: Layout,
    menu: Vec<MenuLink>,
    letters: Vec<(&'static str, DeadLetter, String)>,
}

async fn dead_letters_page(visit: Visit) -> Result<Response, PageError> {
    let desk = Backstage::enter(visit, Part::DeadLetters).await?;
    let clients = &desk.visit.state.clients;
    let (customers, support) = tokio::join!(
        clients.customers.dead_letters(&desk.token),
        clients.support.dead_letters(&desk.token)
    );
    let words = desk.visit.words();
    let letters = customers?
        .into_iter()
        .map(|letter| (CONSUMERS[0], letter))
        .chain(support?.into_iter().map(|letter| (CONSUMERS[1], letter)))
        .map(|(service, letter)| {
            let arrived = time::OffsetDateTime::parse(
                &letter.received_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map_or_else(|_| letter.received_at.clone(), |at| words.date_time(&at));
            (service, letter, arrived)
        })
        .collect();
    render(&DeadLettersView {
        letters,
        layout: desk.layout(),
        menu: desk.menu,
    })
}

async fn replay(
    visit: Visit,
    Path((service, id)): Path<(String, String)>,
    Form(_): Form<EmptyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let desk = Backstage::enter(visit, Part::DeadLetters).await?;
    let clients = &desk.visit.state.clients;
    let replayed = match service.as_str() {
        "customers" => clients.customers.replay(&desk.token, id).await,
        "support" => clients.support.replay(&desk.token, id).await,
        _ => return Err(PageError::NotFound),
    };
    after(&desk, "/admin/dead-letters", replayed, "flash-replayed").await
}

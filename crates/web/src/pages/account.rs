//! Signing in and out, registering, the language, and the customer's own data: names, phone,
//! addresses, password, the data export, contracted services.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use contracts::clients::customers::{Address, ContractedService, Customer, OwnChange};
use contracts::clients::identity::{Credentials, PasswordChange, Registration, TokenPair};
use serde::Deserialize;

use super::cart::EmptyForm;
use super::{FieldErrors, local_path, render, render_with, see};
use crate::State;
use crate::clients::{CallError, Shopper};
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::layout::{Layout, Visit};
use crate::session::access_expiry;
use crate::store::SignedIn;

pub(super) fn router() -> Router<State> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/register", get(register_page).post(register))
        .route("/logout", post(logout))
        .route("/language", post(language))
        .route("/account", get(profile_page))
        .route("/account/profile", post(change_profile))
        .route("/account/addresses", post(add_address))
        .route("/account/addresses/remove", post(remove_address))
        .route("/account/password", post(change_password))
        .route("/account/export", get(export))
        .route("/account/services", get(services_page))
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginView {
    layout: Layout,
    next: String,
    email: String,
    error: Option<String>,
}

async fn login_page(visit: Visit, Query(query): Query<NextQuery>) -> Result<Response, PageError> {
    if visit.session.user().await.is_some() {
        return Ok(see(local_path(query.next.as_deref())));
    }
    render(&LoginView {
        next: local_path(query.next.as_deref()),
        email: String::new(),
        error: None,
        layout: visit.layout,
    })
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Signs in with `pair`: reads the account, merges the visitor's cart into the customer's,
/// and starts a new session.
async fn start_session(visit: &Visit, pair: TokenPair) -> Result<(), PageError> {
    let clients = &visit.state.clients;
    let account = clients.identity.me(&pair.access_token).await?;
    let cart_token = visit.session.stored().await.cart_token;
    if let Some(cart_token) = cart_token.as_deref()
        && matches!(account.role.as_str(), "customer" | "seller")
    {
        // With both tokens, orders merges the visitor's cart into the customer's.
        let shopper = Shopper {
            bearer: Some(&pair.access_token),
            cart_token: Some(cart_token),
        };
        match clients.orders.cart(shopper).await {
            Ok(_) | Err(CallError::Refused(_)) => {}
            Err(CallError::Failed(error)) => return Err(error),
        }
    }
    visit
        .session
        .sign_in(SignedIn {
            user_id: account.id,
            name: account.name,
            email: account.email,
            role: account.role,
            access_token: pair.access_token,
            access_expires_at: access_expiry(pair.expires_in),
            refresh_token: pair.refresh_token,
        })
        .await
}

async fn login(visit: Visit, Form(form): Form<LoginForm>) -> Result<Response, PageError> {
    let words = visit.words();
    let next = local_path(form.next.as_deref());
    let credentials = Credentials {
        email: form.email.trim().to_owned(),
        password: form.password,
    };
    let error = match visit.state.clients.identity.login(&credentials).await {
        Ok(pair) => {
            start_session(&visit, pair).await?;
            let name = visit
                .session
                .user()
                .await
                .map(|user| user.name)
                .unwrap_or_default();
            visit.flash(words.t1("flash-welcome", "name", name)).await?;
            return Ok(see(next));
        }
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::TOO_MANY_REQUESTS => {
            words.t("login-throttled")
        }
        Err(CallError::Refused(refusal)) if refusal.status.is_client_error() => {
            words.t("login-refused")
        }
        Err(error) => return Err(error.into()),
    };
    let view = LoginView {
        next,
        email: credentials.email,
        error: Some(error),
        layout: visit.layout,
    };
    render_with(StatusCode::UNAUTHORIZED, &view)
}

/// The registration page.
#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterView {
    layout: Layout,
    next: String,
    name: String,
    email: String,
    errors: FieldErrors,
}

async fn register_page(
    visit: Visit,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    render(&RegisterView {
        next: local_path(query.next.as_deref()),
        name: String::new(),
        email: String::new(),
        errors: FieldErrors::default(),
        layout: visit.layout,
    })
}

#[derive(Debug, Deserialize)]
struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn register(visit: Visit, Form(form): Form<RegisterForm>) -> Result<Response, PageError> {
    let words = visit.words();
    let next = local_path(form.next.as_deref());
    let registration = Registration {
        email: form.email.trim().to_owned(),
        password: form.password.clone(),
        name: form.name.trim().to_owned(),
    };
    let identity = &visit.state.clients.identity;
    let errors = match identity.register(&registration).await {
        Ok(_) => {
            let credentials = Credentials {
                email: registration.email,
                password: form.password,
            };
            let pair = identity.login(&credentials).await?;
            start_session(&visit, pair).await?;
            visit
                .flash(words.t1("flash-registered", "name", registration.name))
                .await?;
            return Ok(see(next));
        }
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
            let mut errors = FieldErrors::default();
            errors.add("email", words.t("register-taken"));
            errors
        }
        Err(CallError::Refused(refusal))
            if refusal.status == StatusCode::UNPROCESSABLE_ENTITY
                || refusal.status == StatusCode::BAD_REQUEST =>
        {
            FieldErrors::from_refusal(&refusal, &[])
        }
        Err(error) => return Err(error.into()),
    };
    let view = RegisterView {
        next,
        name: registration.name,
        email: registration.email,
        errors,
        layout: visit.layout,
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

async fn logout(visit: Visit, Form(_): Form<EmptyForm>) -> Result<Response, PageError> {
    if visit.session.user().await.is_some() {
        // Ends the session in identity too; the site forgets it whatever identity says.
        if let Ok(token) = visit.bearer().await
            && let Err(error) = visit.state.clients.identity.logout(&token).await
        {
            tracing::warn!(?error, "identity did not end the session");
        }
        visit.session.sign_out().await?;
    }
    Ok(see("/"))
}

#[derive(Debug, Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

async fn language(visit: Visit, Form(form): Form<LanguageForm>) -> Result<Response, PageError> {
    let locale = Locale::from_tag(&form.lang).ok_or(PageError::BadRequest)?;
    visit
        .session
        .update(|stored| stored.locale = Some(locale.tag().to_owned()))
        .await?;
    Ok(see(local_path(form.next.as_deref())))
}

/// The address form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddressForm {
    /// What the customer calls it.
    #[serde(default)]
    pub label: String,
    /// Street and number.
    #[serde(default)]
    pub line1: String,
    /// Floor, door.
    #[serde(default)]
    pub line2: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// Region.
    #[serde(default)]
    pub region: String,
    /// Country code.
    #[serde(default)]
    pub country: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl AddressForm {
    fn address(&self) -> Address {
        Address {
            label: optional(&self.label),
            line1: self.line1.trim().to_owned(),
            line2: optional(&self.line2),
            city: self.city.trim().to_owned(),
            postal_code: self.postal_code.trim().to_owned(),
            region: optional(&self.region),
            country: self.country.trim().to_ascii_uppercase(),
        }
    }
}

/// An address, as the page lists it.
#[derive(Debug, Clone)]
pub struct AddressLine {
    /// Its place in the list.
    pub index: usize,
    /// One line of text.
    pub text: String,
}

/// One line of an address.
pub fn address_text(address: &Address) -> String {
    [
        address.label.clone().map(|label| format!("{label}:")),
        Some(address.line1.clone()),
        address.line2.clone(),
        Some(format!("{} {}", address.postal_code, address.city)),
        address.region.clone(),
        Some(address.country.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// "My data".
#[derive(Template)]
#[template(path = "account/profile.html")]
struct ProfileView {
    layout: Layout,
    customer: Customer,
    given_name: String,
    family_name: String,
    phone: String,
    addresses: Vec<AddressLine>,
    new_address: AddressForm,
    errors: FieldErrors,
    email: String,
}

fn profile_view(visit: &Visit, customer: Customer, errors: FieldErrors) -> ProfileView {
    ProfileView {
        given_name: customer.given_name.clone(),
        family_name: customer.family_name.clone(),
        phone: customer.phone.clone().unwrap_or_default(),
        addresses: customer
            .addresses
            .iter()
            .enumerate()
            .map(|(index, address)| AddressLine {
                index,
                text: address_text(address),
            })
            .collect(),
        email: customer.email.clone(),
        new_address: AddressForm::default(),
        customer,
        errors,
        layout: visit.layout.clone(),
    }
}

async fn profile_page(visit: Visit) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customer = visit.state.clients.customers.me(&token).await?;
    render(&profile_view(&visit, customer, FieldErrors::default()))
}

/// Sends a change of the record; answers the page to show: a redirect when it took, the form
/// again with the errors (or the news that the record changed meanwhile) when not.
async fn apply_change(
    visit: &Visit,
    version: &str,
    change: OwnChange,
    rename: &[(&str, &str)],
    keep: impl FnOnce(&mut ProfileView),
) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customers = &visit.state.clients.customers;
    let words = visit.words();
    let version: i64 = version.parse().map_err(|_| PageError::BadRequest)?;
    let errors = match customers.change_me(&token, version, &change).await {
        Ok(_) => {
            visit.flash(words.t("flash-saved")).await?;
            return Ok(see("/account"));
        }
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::PRECONDITION_FAILED => {
            let mut errors = FieldErrors::default();
            errors.add("record", words.t("error-stale"));
            errors
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
            ) =>
        {
            FieldErrors::from_refusal(&refusal, rename)
        }
        Err(error) => return Err(error.into()),
    };
    let customer = customers.me(&token).await?;
    let stale = errors.get("record").is_some();
    let mut view = profile_view(visit, customer, errors);
    if !stale {
        keep(&mut view);
    }
    render_with(
        if stale {
            StatusCode::PRECONDITION_FAILED
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &view,
    )
}

#[derive(Debug, Deserialize)]
struct ProfileForm {
    version: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    phone: String,
}

async fn change_profile(
    visit: Visit,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let change = OwnChange {
        given_name: Some(form.given_name.trim().to_owned()),
        family_name: Some(form.family_name.trim().to_owned()),
        phone: Some(optional(&form.phone)),
        addresses: None,
    };
    apply_change(&visit, &form.version, change, &[], |view| {
        view.given_name = form.given_name;
        view.family_name = form.family_name;
        view.phone = form.phone;
    })
    .await
}

#[derive(Debug, Deserialize)]
struct NewAddressForm {
    version: String,
    #[serde(flatten)]
    address: AddressForm,
}

async fn add_address(
    visit: Visit,
    Form(form): Form<NewAddressForm>,
) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customer = visit.state.clients.customers.me(&token).await?;
    let mut addresses = customer.addresses;
    let index = addresses.len();
    addresses.push(form.address.address());
    let rename: Vec<(String, String)> = [
        "label",
        "line1",
        "line2",
        "city",
        "postal_code",
        "region",
        "country",
    ]
    .iter()
    .map(|field| (format!("addresses[{index}].{field}"), (*field).to_owned()))
    .collect();
    let rename: Vec<(&str, &str)> = rename
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let change = OwnChange {
        addresses: Some(addresses),
        ..OwnChange::default()
    };
    apply_change(&visit, &form.version, change, &rename, |view| {
        view.new_address = form.address;
    })
    .await
}

#[derive(Debug, Deserialize)]
struct RemoveAddressForm {
    version: String,
    index: usize,
}

async fn remove_address(
    visit: Visit,
    Form(form): Form<RemoveAddressForm>,
) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customer = visit.state.clients.customers.me(&token).await?;
    let mut addresses = customer.addresses;
    if form.index >= addresses.len() {
        return Err(PageError::BadRequest);
    }
    addresses.remove(form.index);
    let change = OwnChange {
        addresses: Some(addresses),
        ..OwnChange::default()
    };
    apply_change(&visit, &form.version, change, &[], |_| {}).await
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    visit: Visit,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let words = visit.words();
    let change = PasswordChange {
        current_password: form.current_password,
        new_password: form.new_password,
    };
    let errors = match visit
        .state
        .clients
        .identity
        .change_password(&token, &change)
        .await
    {
        Ok(()) => {
            visit.flash(words.t("flash-password-changed")).await?;
            return Ok(see("/account"));
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::BAD_REQUEST
                    | StatusCode::UNAUTHORIZED
                    | StatusCode::FORBIDDEN
            ) =>
        {
            let mut errors = FieldErrors::from_refusal(&refusal, &[]);
            if errors.is_empty() || refusal.status != StatusCode::UNPROCESSABLE_ENTITY {
                errors.add("current_password", words.t("password-wrong"));
            }
            errors
        }
        Err(error) => return Err(error.into()),
    };
    let customer = visit.state.clients.customers.me(&token).await?;
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &profile_view(&visit, customer, errors),
    )
}

async fn export(visit: Visit) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customers = &visit.state.clients.customers;
    let customer = customers.me(&token).await?;
    let document = customers.export(&token, customer.id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"tienda-my-data-{}.json\"",
                    customer.id
                ),
            ),
        ],
        document,
    )
        .into_response())
}

/// A contracted service, as shown.
#[derive(Debug, Clone)]
pub struct ServiceLine {
    /// The service.
    pub service: ContractedService,
    /// The day it started, in words.
    pub since: String,
    /// The day it ends, in words.
    pub until: Option<String>,
    /// Its status, in words.
    pub status: String,
    /// Its history, in words, oldest first.
    pub history: Vec<String>,
}

/// "My services".
#[derive(Template)]
#[template(path = "account/services.html")]
struct ServicesView {
    layout: Layout,
    services: Vec<ServiceLine>,
}

async fn services_page(visit: Visit) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let customers = &visit.state.clients.customers;
    let customer = customers.me(&token).await?;
    let services = customers.services(&token, customer.id).await?;
    let words = visit.words();
    let status = |status: &str| words.t(&format!("service-status-{status}"));
    render(&ServicesView {
        services: services
            .into_iter()
            .map(|service| ServiceLine {
                since: words.iso_day(&service.started_on),
                until: service.ends_on.as_deref().map(|day| words.iso_day(day)),
                status: status(&service.status),
                history: service
                    .history
                    .iter()
                    .map(|change| {
                        format!("{}: {}", words.date_time(&change.at), status(&change.to))
                    })
                    .collect(),
                service,
            })
            .collect(),
        layout: visit.layout,
    })
}

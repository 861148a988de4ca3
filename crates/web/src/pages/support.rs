//! The customer's incidents: the list, opening one (about an order, a product or a service),
//! the conversation, rating once resolved. Internal notes never appear (support leaves them
//! out for customers; this page leaves out any that would come).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use contracts::clients::support::{Incident, NewIncident, Rating, Related};
use serde::Deserialize;
use uuid::Uuid;

use super::{FieldErrors, idempotency_key, parse_id, render, render_with, see};
use crate::State;
use crate::clients::CallError;
use crate::csrf::Form;
use crate::error::PageError;
use crate::i18n::Words;
use crate::layout::{Layout, Visit};

pub(super) fn router() -> Router<State> {
    Router::new()
        .route(
            "/account/incidents",
            get(incidents_page).post(open_incident),
        )
        .route("/account/incidents/new", get(new_incident_page))
        .route("/account/incidents/{id}", get(incident_page))
        .route("/account/incidents/{id}/comments", post(reply))
        .route("/account/incidents/{id}/rating", post(rate))
}

/// How long a second submit waits for the first to finish.
const WAIT_FOR_FIRST: std::time::Duration = std::time::Duration::from_secs(8);

const CATEGORIES: [&str; 5] = ["order", "product", "billing", "service", "other"];

/// An incident in the list.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    /// The incident.
    pub incident: Incident,
    /// Its status, in words.
    pub status: String,
    /// Its category, in words.
    pub category: String,
    /// When it last changed.
    pub updated: String,
}

fn row(incident: Incident, words: Words) -> IncidentRow {
    IncidentRow {
        status: words.t(&format!("incident-status-{}", incident.status)),
        category: words.t(&format!("category-{}", incident.category)),
        updated: words.date_time(&incident.updated_at),
        incident,
    }
}

/// "My incidents".
#[derive(Template)]
#[template(path = "support/list.html")]
struct IncidentsView {
    layout: Layout,
    incidents: Vec<IncidentRow>,
}

async fn incidents_page(visit: Visit) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let page = visit.state.clients.support.incidents(&token).await?;
    let words = visit.words();
    render(&IncidentsView {
        incidents: page
            .items
            .into_iter()
            .map(|incident| row(incident, words))
            .collect(),
        layout: visit.layout,
    })
}

/// The form to open an incident.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentForm {
    /// The idempotency key rendered into the form.
    #[serde(default)]
    pub key: String,
    /// One line.
    #[serde(default)]
    pub subject: String,
    /// What happened.
    #[serde(default)]
    pub description: String,
    /// Its category.
    #[serde(default)]
    pub category: String,
    /// `order`, `product` or `service`, when it is about one.
    #[serde(default)]
    pub related_kind: String,
    /// That one's id.
    #[serde(default)]
    pub related_id: String,
}

/// "Open an incident".
#[derive(Template)]
#[template(path = "support/new.html")]
struct NewIncidentView {
    layout: Layout,
    form: IncidentForm,
    categories: Vec<(&'static str, String)>,
    about: Option<String>,
    errors: FieldErrors,
}

#[derive(Debug, Deserialize)]
struct AboutQuery {
    order: Option<String>,
    product: Option<String>,
    service: Option<String>,
}

fn new_incident_view(
    visit: &Visit,
    mut form: IncidentForm,
    errors: FieldErrors,
) -> NewIncidentView {
    let words = visit.words();
    form.key = idempotency_key();
    let about = (!form.related_kind.is_empty()).then(|| {
        words.t1(
            &format!("incident-about-{}", form.related_kind),
            "id",
            form.related_id.chars().take(8).collect::<String>(),
        )
    });
    NewIncidentView {
        categories: CATEGORIES
            .iter()
            .map(|category| (*category, words.t(&format!("category-{category}"))))
            .collect(),
        about,
        form,
        errors,
        layout: visit.layout.clone(),
    }
}

async fn new_incident_page(
    visit: Visit,
    Query(query): Query<AboutQuery>,
) -> Result<Response, PageError> {
    visit.bearer().await?;
    let related = [
        ("order", query.order),
        ("product", query.product),
        ("service", query.service),
    ]
    .into_iter()
    .find_map(|(kind, id)| Some((kind, id?.parse::<Uuid>().ok()?)));
    let form = match related {
        Some((kind, id)) => IncidentForm {
            category: kind.to_owned(),
            related_kind: kind.to_owned(),
            related_id: id.to_string(),
            ..IncidentForm::default()
        },
        None => IncidentForm {
            category: "other".to_owned(),
            ..IncidentForm::default()
        },
    };
    render(&new_incident_view(&visit, form, FieldErrors::default()))
}

async fn open_incident(
    visit: Visit,
    Form(form): Form<IncidentForm>,
) -> Result<Response, PageError> {
    let token = visit.bearer().await?;
    let key = Uuid::parse_str(&form.key).map_err(|_| PageError::BadRequest)?;
    let related = match (form.related_kind.as_str(), form.related_id.parse::<Uuid>()) {
        ("order" | "product" | "service", Ok(id)) => Some(Related {
            kind: form.related_kind.clone(),
            id,
        }),
        _ => None,
    };
    let incident = NewIncident {
        subject: form.subject.trim().to_owned(),
        description: form.description.trim().to_owned(),
        category: if CATEGORIES.contains(&form.category.as_str()) {
            form.category.clone()
        } else {
            "other".to_owned()
        },
        related,
    };
    let support = &visit.state.clients.support;
    let started = tokio::time::Instant::now();
    let opened = loop {
        let opened = support.open(&token, &key.to_string(), &incident).await;
        // The same form sent twice: the second waits for the first and shows its incident.
        let running = matches!(&opened, Err(CallError::Refused(refusal))
            if refusal.status == StatusCode::CONFLICT && refusal.is("conflict"));
        if !running || started.elapsed() > WAIT_FOR_FIRST {
            break opened;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let errors = match opened {
        Ok(incident) => {
            visit
                .flash(visit.words().t("flash-incident-opened"))
                .await?;
            return Ok(see(format!("/account/incidents/{}", incident.id)));
        }
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
            // Still running after the wait: the list will show it.
            return Ok(see("/account/incidents"));
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
            ) =>
        {
            let mut errors = FieldErrors::from_refusal(&refusal, &[("related.id", "related")]);
            if errors.is_empty() {
                errors.add(
                    "subject",
                    refusal.problem.detail.clone().unwrap_or_default(),
                );
            }
            errors
        }
        Err(error) => return Err(error.into()),
    };
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &new_incident_view(&visit, form, errors),
    )
}

/// A message or an event of the conversation.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Who: "You", "Support".
    pub who: String,
    /// The text (comments) or what happened (events).
    pub text: String,
    /// When.
    pub when: String,
    /// A comment (a bubble) rather than an event (a line).
    pub comment: bool,
    /// Written by the customer.
    pub mine: bool,
}

/// One incident and its conversation.
#[derive(Template)]
#[template(path = "support/detail.html")]
struct IncidentView {
    layout: Layout,
    row: IncidentRow,
    about: Option<(String, String)>,
    entries: Vec<Entry>,
    can_reply: bool,
    can_rate: bool,
    rating: Option<String>,
    errors: FieldErrors,
}

async fn incident_view(
    visit: &Visit,
    id: Uuid,
    errors: FieldErrors,
) -> Result<IncidentView, PageError> {
    let token = visit.bearer().await?;
    let support = &visit.state.clients.support;
    let (incident, history) =
        tokio::join!(support.incident(&token, id), support.history(&token, id));
    let incident = incident?;
    let words = visit.words();
    let entries = history?
        .into_iter()
        .filter(|event| !event.internal)
        .filter_map(|event| {
            let staff = event
                .author_role
                .as_deref()
                .is_some_and(|role| matches!(role, "agent" | "admin"));
            let who = if staff {
                words.t("incident-support")
            } else {
                words.t("incident-you")
            };
            let when = words.date_time(&event.at);
            match (event.kind.as_str(), event.body) {
                (_, Some(body)) => Some(Entry {
                    who,
                    text: body,
                    when,
                    comment: true,
                    mine: !staff,
                }),
                ("status", None) => {
                    let to = event.data.get("to").and_then(|to| to.as_str())?;
                    Some(Entry {
                        who,
                        text: words.t1(
                            "incident-moved",
                            "status",
                            words.t(&format!("incident-status-{to}")),
                        ),
                        when,
                        comment: false,
                        mine: false,
                    })
                }
                _ => None,
            }
        })
        .collect();
    let about = incident.related.as_ref().map(|related| {
        let link = match related.kind.as_str() {
            "order" => format!("/account/orders/{}", related.id),
            "product" => format!("/products/{}", related.id),
            _ => "/account/services".to_owned(),
        };
        (
            words.t1(
                &format!("incident-about-{}", related.kind),
                "id",
                related.id.to_string().chars().take(8).collect::<String>(),
            ),
            link,
        )
    });
    let open = !matches!(incident.status.as_str(), "closed" | "merged");
    Ok(IncidentView {
        can_reply: open,
        can_rate: incident.status == "resolved" && incident.rating.is_none(),
        rating: incident
            .rating
            .map(|rating| words.t1("incident-rated", "rating", rating)),
        about,
        entries,
        errors,
        row: row(incident, words),
        layout: visit.layout.clone(),
    })
}

async fn incident_page(visit: Visit, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let view = incident_view(&visit, id, FieldErrors::default()).await?;
    render(&view)
}

#[derive(Debug, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
}

async fn reply(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let words = visit.words();
    let errors = match visit
        .state
        .clients
        .support
        .comment(&token, id, form.body.trim(), false)
        .await
    {
        Ok(_) => {
            visit.flash(words.t("flash-reply-sent")).await?;
            return Ok(see(format!("/account/incidents/{id}#reply")));
        }
        Err(CallError::Refused(refusal))
            if matches!(
                refusal.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
            ) =>
        {
            let mut errors = FieldErrors::from_refusal(&refusal, &[]);
            if errors.is_empty() {
                errors.add("body", refusal.problem.detail.clone().unwrap_or_default());
            }
            errors
        }
        Err(error) => return Err(error.into()),
    };
    let view = incident_view(&visit, id, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

#[derive(Debug, Deserialize)]
struct RatingForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn rate(
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let token = visit.bearer().await?;
    let words = visit.words();
    let Some(rating) = form
        .rating
        .parse::<i64>()
        .ok()
        .filter(|r| (1..=5).contains(r))
    else {
        let mut errors = FieldErrors::default();
        errors.add("rating", words.t("error-rating"));
        let view = incident_view(&visit, id, errors).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let comment = form.comment.trim();
    let rating = Rating {
        rating,
        comment: (!comment.is_empty()).then(|| comment.to_owned()),
    };
    match visit.state.clients.support.rate(&token, id, &rating).await {
        Ok(_) => visit.flash(words.t("flash-rated")).await?,
        Err(CallError::Refused(refusal)) if refusal.status == StatusCode::CONFLICT => {
            visit.flash(words.t("flash-not-rated")).await?;
        }
        Err(error) => return Err(error.into()),
    }
    Ok(see(format!("/account/incidents/{id}")))
}

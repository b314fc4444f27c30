//! The live notifications page (`GET /listen`) and its Server-Sent Events stream
//! (`GET /listen/events`). Graph's own `POST /listen` is in `webhooks.rs`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    auth::User,
    error::AppError,
    notify::{feed::sse, model::EventId},
    web::state::AppState,
    web::{layout::Layout, subscriptions::remember},
};

/// One notification as the page lists it (all text, escaped by the template).
pub struct Item {
    pub id: EventId,
    pub received_at: String,
    pub change_type: String,
    pub resource: String,
    pub alert_id: Option<String>,
    pub alert_url: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify.html")]
pub struct NotifyPage {
    layout: Layout,
    items: Vec<Item>,
    events_url: String,
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
) -> Result<NotifyPage, AppError> {
    remember(&state, &user, &session).await;
    let history = state
        .notify
        .journal
        .log()
        .recent(&user.tenant_id, sse::HISTORY)
        .await?;
    let newest = history.last().map(|n| n.id).unwrap_or_default();
    let items = history
        .iter()
        .rev()
        .map(|n| {
            let data = sse::EventData::from(n);
            Item {
                id: n.id,
                received_at: data.received_at,
                change_type: n.change_type.clone(),
                resource: n.resource.clone(),
                alert_id: n.alert_id.clone(),
                alert_url: data.alert_url,
            }
        })
        .collect();
    Ok(NotifyPage {
        layout: layout.active("notify"),
        items,
        events_url: format!("/listen/events?after={newest}"),
    })
}

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<String>,
}

pub async fn events(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let resume = sse::resume_point(&headers, query.after.as_deref());
    sse::events(&state.notify, user.tenant_id, resume).into_response()
}

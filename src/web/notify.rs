//! The live notifications page (`GET /listen`), its event stream (`GET /listen/events`),
//! and the Graph webhook endpoints (`POST /listen`, `POST /lifecycle`, no session or CSRF).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    auth::User,
    error::AppError,
    notify::{receiver, sse, webhook::MAX_BODY_BYTES},
    state::AppState,
    web::{layout::Layout, subscriptions::remember},
};

/// Browser routes: the page and its stream (signed-in users only).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/listen", get(page))
        .route("/listen/events", get(events))
}

/// Graph's routes: outside the session and CSRF layers, with their own body limit.
pub fn webhook_router() -> Router<AppState> {
    Router::new()
        .route("/listen", post(receiver::listen))
        .route("/lifecycle", post(receiver::lifecycle))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// One notification as the page lists it (all text, escaped by the template).
pub struct Item {
    pub id: i64,
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

async fn page(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
) -> Result<NotifyPage, AppError> {
    remember(&state, &user, &session).await;
    let history = state
        .notify
        .journal
        .store()
        .recent(&user.tenant_id, sse::HISTORY)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let newest = history.last().map_or(0, |n| n.id);
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
struct EventsQuery {
    after: Option<String>,
}

async fn events(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let resume = sse::resume_point(&headers, query.after.as_deref());
    sse::events(&state.notify, user.tenant_id, resume).into_response()
}

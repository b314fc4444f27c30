//! The live notifications page (`GET /listen`) and its Server-Sent Events stream
//! (`GET /listen/events`). Graph's own `POST /listen` is in `webhooks.rs`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    auth::User,
    error::AppError,
    notify::feed::{sse, window},
    notify::model::EventId,
    notify::summary::SummaryView,
    web::state::AppState,
    web::{layout::Layout, security_permission, subscriptions::remember},
};

/// One notification as the page lists it (all text, escaped by the template).
pub struct Item {
    pub id: EventId,
    pub received_at: String,
    pub change_type: String,
    pub resource: String,
    pub alert_id: Option<String>,
    pub alert_url: Option<String>,
    pub incident_id: Option<String>,
    pub incident_url: Option<String>,
    pub summary: Option<SummaryView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify.html")]
pub struct NotifyPage {
    layout: Layout,
    items: Vec<Item>,
    events_url: String,
    /// How long a notification is kept (`notify.retention_days`).
    kept_days: u64,
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
) -> Result<NotifyPage, AppError> {
    security_permission::require(&state, &user)?;
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
                change_type: n.change_type.to_string(),
                resource: n.resource.clone(),
                alert_id: n.alert_id.clone(),
                alert_url: data.alert_url,
                incident_id: data.incident_id.map(str::to_string),
                incident_url: data.incident_url,
                summary: data.summary,
            }
        })
        .collect();
    Ok(NotifyPage {
        layout: layout.active("notify"),
        items,
        events_url: format!("/listen/events?after={newest}"),
        kept_days: state.settings.notify.retention_days.max(1),
    })
}

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<String>,
}

/// `GET /listen/events`. A browser whose session ended gets 401 (the page then sends it to
/// sign in, see `static/notify.js`); one holding too many streams gets 429. The stream ends
/// when its session does.
pub async fn events(
    State(state): State<AppState>,
    user: Option<User>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let (Some(user), Some(session_id)) = (user, session.id()) else {
        return plain(StatusCode::UNAUTHORIZED, SIGNED_OUT.to_string());
    };
    if let Err(refused) = security_permission::require(&state, &user) {
        return refused.into_response();
    }
    let session_id = session_id.to_string();
    let permit = match state.streams.open(&session_id) {
        Ok(permit) => permit,
        Err(refused) => return plain(StatusCode::TOO_MANY_REQUESTS, refused.to_string()),
    };
    let asked = sse::resume_point(&headers, query.after.as_deref());
    let window = state.settings.notify.resume_window;
    let log = state.notify.journal.log();
    let (resume, gap) = match window::bounded(log, &user.tenant_id, asked, window).await {
        Ok(bounded) => bounded,
        Err(error) => return AppError::Internal(error.into()).into_response(),
    };
    let owners = state.owners.clone();
    let (tenant_id, oid) = (user.tenant_id.clone(), user.oid.clone());
    let until = permit.session_ended(move || {
        let (owners, session_id) = (owners.clone(), session_id.clone());
        let (tenant_id, oid) = (tenant_id.clone(), oid.clone());
        async move { owners.session_alive(&session_id, &tenant_id, &oid).await }
    });
    sse::events(&state.notify, user.tenant_id, resume, gap, until).into_response()
}

const SIGNED_OUT: &str = "Your session has ended. Sign in again to see live notifications.";

/// A refusal the notify page's script reads and shows as text.
fn plain(status: StatusCode, message: String) -> Response {
    let headers = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    (status, headers, message).into_response()
}

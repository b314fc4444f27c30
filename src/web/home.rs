//! `GET /`: the sign-in page, or the signed-in user's dashboard: the alert queue in figures (each
//! a link to its list), the newest notifications, the Secure Score and who the user is.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use tower_sessions::Session;

use crate::alerts::api::AlertsApi;
use crate::auth::User;
use crate::notify::feed::sse;
use crate::web::alerts::counts::{QueueCounts, queue_counts};
use crate::web::layout::Layout;
use crate::web::secure_score::{HomeScore, home_summary};
use crate::web::state::AppState;
use crate::web::sync_status::{MirrorLine, home_line};

/// How many notifications the home page lists.
const NEWEST: u32 = 5;

/// One recent notification.
pub struct RecentNotification {
    pub received_at: String,
    pub change_type: String,
    pub alert_id: Option<String>,
    pub alert_url: Option<String>,
    pub incident_id: Option<String>,
    pub incident_url: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    user: Option<User>,
    alerts_api: &'static str,
    secure_score: Option<HomeScore>,
    queue: Option<Result<QueueCounts, String>>,
    notifications: Vec<RecentNotification>,
    /// Where the figures come from: graphsec's copy, or why not.
    mirror: Option<MirrorLine>,
}

pub async fn show(
    State(state): State<AppState>,
    State(api): State<AlertsApi>,
    user: Option<User>,
    layout: Layout,
    session: Session,
) -> HomePage {
    let (secure_score, queue, notifications, mirror) = match &user {
        Some(user) => {
            let (score, queue) = tokio::join!(
                home_summary(&state, user, &session),
                queue_counts(&api, &state.mirror, user, &session)
            );
            (
                Some(score),
                Some(queue),
                newest(&state, user).await,
                home_line(&state, user).await,
            )
        }
        None => (None, None, Vec::new(), None),
    };
    HomePage {
        layout: layout.active("home"),
        user,
        alerts_api: state.settings.graph.alerts_api.as_str(),
        secure_score,
        queue,
        notifications,
        mirror,
    }
}

/// The tenant's newest notifications, newest first; none when the log cannot be read or the
/// user lacks the security permission the notification pages need.
async fn newest(state: &AppState, user: &User) -> Vec<RecentNotification> {
    if !user.has_security_permission(state.settings.graph.alerts_api) {
        return Vec::new();
    }
    match state
        .notify
        .journal
        .log()
        .recent(&user.tenant_id, NEWEST)
        .await
    {
        Ok(history) => history
            .iter()
            .rev()
            .map(|n| {
                let data = sse::EventData::from(n);
                RecentNotification {
                    received_at: data.received_at,
                    change_type: n.change_type.to_string(),
                    alert_id: n.alert_id.clone(),
                    alert_url: data.alert_url,
                    incident_id: data.incident_id.map(str::to_string),
                    incident_url: data.incident_url,
                }
            })
            .collect(),
        Err(err) => {
            tracing::warn!(error = %err, "could not read the newest notifications");
            Vec::new()
        }
    }
}

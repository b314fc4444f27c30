//! `/subscriptions`: the tenant's alert subscriptions (list, create from filter fields,
//! renew, delete).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::{
    alerts::query::AlertQuery,
    auth::User,
    error::AppError,
    graph::GraphErrorKind,
    notify::{
        changes::split_resource,
        model::{ApiKind, Subscription},
        owners::Owners,
        subscribe::{self, SubscribeError, Subscribed},
    },
    state::AppState,
    web::layout::{Layout, flash},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscriptions", get(list).post(create))
        .route("/subscriptions/{id}/renew", post(renew))
        .route("/subscriptions/{id}/delete", post(delete))
}

/// One row of `#subscriptions-table`, every value as display text.
pub struct Row {
    pub id: String,
    pub kind: &'static str,
    pub filter: String,
    pub resource: String,
    pub status: String,
    pub expires: String,
    pub time_left: String,
    pub last_notification: String,
    pub last_lifecycle: String,
    pub yours: bool,
}

/// A select of the create form, with its current choice.
pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(&'static str, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "subscriptions.html")]
pub struct SubscriptionsPage {
    layout: Layout,
    rows: Vec<Row>,
    legacy: bool,
    selects: Vec<Select>,
    form: AlertQuery,
    error: Option<String>,
    lifetime_hours: i64,
    notification_url: String,
}

async fn list(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
) -> Result<Response, AppError> {
    remember(&state, &user, &session).await;
    page(&state, &user, layout, AlertQuery::default(), None)
        .await
        .map(IntoResponse::into_response)
}

async fn create(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
    Form(form): Form<AlertQuery>,
) -> Result<Response, AppError> {
    remember(&state, &user, &session).await;
    match subscribe::subscribe(&state, &state.notify, &user, &form).await {
        Ok(Subscribed::Created(sub)) => {
            let text = format!(
                "Subscribed to {}; it expires {}.",
                describe(&sub),
                when(sub.expires_at)
            );
            flash(&session, "success", text).await;
            Ok(Redirect::to("/subscriptions").into_response())
        }
        Ok(Subscribed::Renewed(sub)) => {
            let text = format!(
                "You already had this subscription ({}); it was renewed until {}.",
                describe(&sub),
                when(sub.expires_at)
            );
            flash(&session, "info", text).await;
            Ok(Redirect::to("/subscriptions").into_response())
        }
        Err(SubscribeError::Store(e)) => Err(AppError::Internal(e.into())),
        Err(error) => {
            let status = status_of(&error);
            let page = page(&state, &user, layout, form, Some(error.to_string())).await?;
            Ok((status, page).into_response())
        }
    }
}

async fn renew(
    State(state): State<AppState>,
    user: User,
    session: Session,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    remember(&state, &user, &session).await;
    let sub = subscribe::renew(&state, &state.notify, &user, &id)
        .await
        .map_err(app_error)?;
    let text = format!("Renewed {} until {}.", describe(&sub), when(sub.expires_at));
    flash(&session, "success", text).await;
    Ok(Redirect::to("/subscriptions"))
}

async fn delete(
    State(state): State<AppState>,
    user: User,
    session: Session,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    subscribe::delete(&state, &state.notify, &user, &id)
        .await
        .map_err(app_error)?;
    flash(&session, "success", "The subscription was deleted.").await;
    Ok(Redirect::to("/subscriptions"))
}

async fn page(
    state: &AppState,
    user: &User,
    layout: Layout,
    form: AlertQuery,
    error: Option<String>,
) -> Result<SubscriptionsPage, AppError> {
    let subs = state
        .notify
        .registry
        .list_for_tenant(&user.tenant_id)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let now = OffsetDateTime::now_utc();
    Ok(SubscriptionsPage {
        layout: layout.active("subscriptions"),
        rows: subs.iter().map(|s| row(s, &user.oid, now)).collect(),
        legacy: subscribe::api_kind(state) == ApiKind::LegacyWebhook,
        selects: selects(subscribe::api_kind(state), &form),
        form,
        error,
        lifetime_hours: state.settings.notify.lifetimes().lifetime.whole_hours(),
        notification_url: state.urls.notification_url.to_string(),
    })
}

/// Keeps the owner's session on record so background renewals can use its tokens.
pub async fn remember(state: &AppState, user: &User, session: &Session) {
    let owners = Owners::new(state.db.clone());
    if let Err(error) = owners
        .remember(&user.tenant_id, &user.oid, session.id())
        .await
    {
        tracing::warn!(%error, "could not record the subscription owner's session");
    }
}

fn row(sub: &Subscription, me: &str, now: OffsetDateTime) -> Row {
    Row {
        id: sub.id.clone(),
        kind: match sub.api_kind {
            ApiKind::LegacyWebhook => "Graph webhook",
            ApiKind::V2Watch => "alerts_v2 watch",
        },
        filter: split_resource(&sub.resource).1.unwrap_or_default(),
        resource: sub.resource.clone(),
        status: sub.status.to_string(),
        expires: when(sub.expires_at),
        time_left: time_left(sub.expires_at - now),
        last_notification: sub
            .last_notification_at
            .map(when)
            .unwrap_or_else(|| "never".into()),
        last_lifecycle: sub.last_lifecycle_event.clone().unwrap_or_default(),
        yours: sub.owner_oid == me,
    }
}

const SEVERITY: &[&str] = &["informational", "low", "medium", "high"];
const LEGACY_STATUS: &[&str] = &["newAlert", "inProgress", "resolved"];
const V2_STATUS: &[&str] = &["new", "inProgress", "resolved"];
const SERVICE_SOURCE: &[&str] = &[
    "microsoftDefenderForEndpoint",
    "microsoftDefenderForIdentity",
    "microsoftDefenderForCloudApps",
    "microsoftDefenderForOffice365",
    "microsoft365Defender",
    "azureAdIdentityProtection",
    "microsoftAppGovernance",
    "dataLossPrevention",
];
const CLASSIFICATION: &[&str] = &[
    "falsePositive",
    "truePositive",
    "informationalExpectedActivity",
];

fn selects(kind: ApiKind, form: &AlertQuery) -> Vec<Select> {
    let select = |name, label, values: &[&'static str], current: &Option<String>| Select {
        name,
        label,
        options: values
            .iter()
            .map(|v| (*v, current.as_deref() == Some(*v)))
            .collect(),
    };
    let mut out = vec![select("severity", "Severity", SEVERITY, &form.severity)];
    match kind {
        ApiKind::LegacyWebhook => {
            out.push(select("status", "Status", LEGACY_STATUS, &form.status));
        }
        ApiKind::V2Watch => {
            out.push(select("status", "Status", V2_STATUS, &form.status));
            out.push(select(
                "service_source",
                "Service source",
                SERVICE_SOURCE,
                &form.service_source,
            ));
            out.push(select(
                "classification",
                "Classification",
                CLASSIFICATION,
                &form.classification,
            ));
        }
    }
    out
}

fn describe(sub: &Subscription) -> String {
    split_resource(&sub.resource)
        .1
        .unwrap_or_else(|| sub.resource.clone())
}

fn when(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

fn time_left(left: time::Duration) -> String {
    if left.is_negative() {
        return "expired".into();
    }
    let (days, hours, minutes) = (
        left.whole_days(),
        left.whole_hours() % 24,
        left.whole_minutes() % 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, h) => format!("{h} h {minutes} min"),
        (d, h) => format!("{d} d {h} h"),
    }
}

fn status_of(error: &SubscribeError) -> StatusCode {
    match error {
        SubscribeError::Invalid(_) => StatusCode::BAD_REQUEST,
        SubscribeError::NotFound => StatusCode::NOT_FOUND,
        SubscribeError::Graph(e) => match e.kind {
            GraphErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            GraphErrorKind::Forbidden => StatusCode::FORBIDDEN,
            GraphErrorKind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::BAD_GATEWAY,
        },
        SubscribeError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn app_error(error: SubscribeError) -> AppError {
    match error {
        SubscribeError::Invalid(m) => AppError::BadRequest(m),
        SubscribeError::NotFound => AppError::NotFound(error.to_string()),
        SubscribeError::Graph(e) => AppError::Graph(e),
        SubscribeError::Store(e) => AppError::Internal(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(time_left(time::Duration::minutes(-1)), "expired");
        assert_eq!(time_left(time::Duration::minutes(42)), "42 min");
        assert_eq!(time_left(time::Duration::minutes(125)), "2 h 5 min");
        assert_eq!(time_left(time::Duration::hours(50)), "2 d 2 h");
    }
}

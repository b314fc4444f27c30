//! `POST /alerts/bulk` and `POST /incidents/bulk`: one change applied to the selected items,
//! then a redirect (303) to `GET /…/bulk?result=…`, which shows the per-item result kept in the
//! session, so a refresh never sends the change again.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::alerts::api::AlertsApi;
use crate::alerts::labels::label_of;
use crate::alerts::update::UpdateForm;
use crate::auth::User;
use crate::config::AlertsApiKind;
use crate::error::AppError;
use crate::sync::Mirror;
use crate::triage::audit::{Actor, AuditLog};
use crate::triage::bulk::incident::IncidentChange;
use crate::triage::bulk::run::{Runner, Target};
use crate::triage::bulk::{BulkForm, ItemState, RunReport};
use crate::web::layout::Layout;
use crate::web::state::AppState;

const RESULTS_KEY: &str = "bulk.results";
/// Results one session keeps (one per recent run).
const RESULTS_KEPT: usize = 3;

#[derive(Template, WebTemplate)]
#[template(path = "bulk_result.html")]
pub struct BulkPage {
    layout: Layout,
    back_href: &'static str,
    problems: Vec<String>,
    report: Option<RunReport>,
}

impl BulkPage {
    fn count(&self, state: &str) -> usize {
        let state = match state {
            "changed" => ItemState::Changed,
            "unchanged" => ItemState::Unchanged,
            _ => ItemState::Failed,
        };
        self.report.as_ref().map_or(0, |r| r.count(state))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResultQuery {
    pub result: String,
}

/// The change in words: "Status: Resolved; assigned to me; comment".
fn describe(change: &UpdateForm) -> String {
    let mut parts = Vec::new();
    for (label, value) in [
        ("Status", &change.status),
        ("Feedback", &change.feedback),
        ("Classification", &change.classification),
        ("Determination", &change.determination),
    ] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            parts.push(format!("{label}: {}", label_of(value)));
        }
    }
    if change.assign_to_me.as_deref().is_some_and(|v| v == "on") {
        parts.push("assigned to me".into());
    }
    if change
        .comment
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
    {
        parts.push("comment".into());
    }
    parts.join("; ")
}

fn refused(layout: Layout, back_href: &'static str, problems: Vec<String>) -> Response {
    let page = BulkPage {
        layout: layout.active(back_href.trim_start_matches('/')),
        back_href,
        problems,
        report: None,
    };
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// Keeps `report` in the session and redirects to it.
async fn show_later(session: &Session, report: RunReport) -> Result<Response, AppError> {
    let href = format!("/{}/bulk?result={}", report.target, report.run_id);
    let mut kept: Vec<RunReport> = session
        .get(RESULTS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    kept.push(report);
    let excess = kept.len().saturating_sub(RESULTS_KEPT);
    kept.drain(..excess);
    session
        .insert(RESULTS_KEY, kept)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to(&href).into_response())
}

pub async fn alerts(
    State(api): State<AlertsApi>,
    State(audit): State<AuditLog>,
    State(mirror): State<Mirror>,
    user: User,
    layout: Layout,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = BulkForm::from_pairs(&pairs);
    let validated = form.validate("alert", |f| match api.kind() {
        AlertsApiKind::V2 => f.validate_v2(&user.upn),
        AlertsApiKind::Legacy => f.validate_legacy(&user.upn),
    });
    let (ids, update) = match validated {
        Ok(valid) => valid,
        Err(err) => return Ok(refused(layout, "/alerts", err.0)),
    };
    let runner = Runner {
        graph: api.graph(),
        token: user.access_token(),
        audit: &audit,
        actor: &Actor::from(&user),
    };
    let report = runner
        .alerts(&api, &ids, &update, &describe(&form.change))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !api.is_legacy() {
        for alert in &report.written {
            mirror
                .put_alert(&user.tenant_id, alert, Some(&user.display_name))
                .await;
        }
    }
    show_later(&session, report).await
}

pub async fn incidents(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = BulkForm::from_pairs(&pairs);
    let (ids, change) = match IncidentChange::validate(&form, &user.upn) {
        Ok(valid) => valid,
        Err(err) => return Ok(refused(layout, "/incidents", err.0)),
    };
    let runner = Runner {
        graph: &state.graph,
        token: user.access_token(),
        audit: &state.audit,
        actor: &Actor::from(&user),
    };
    let plan = |_: &str, original: &serde_json::Value| change.plan(original);
    let report = runner
        .run(
            Target::incidents(),
            &ids,
            plan,
            change.rest.comment.as_deref(),
            &describe(&form.change),
        )
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    for incident in &report.written {
        state
            .mirror
            .put_incident(&user.tenant_id, incident, Some(&user.display_name))
            .await;
    }
    show_later(&session, report).await
}

/// `GET /alerts/bulk?result=…` and `/incidents/bulk?result=…`: a run's result kept in the
/// session; reading it sends nothing.
pub async fn result(
    _user: User,
    layout: Layout,
    session: Session,
    uri: axum::http::Uri,
    Query(query): Query<ResultQuery>,
) -> Result<BulkPage, AppError> {
    let back_href = if uri.path().starts_with("/incidents") {
        "/incidents"
    } else {
        "/alerts"
    };
    let kept: Vec<RunReport> = session
        .get(RESULTS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let report = kept
        .into_iter()
        .find(|r| !query.result.is_empty() && r.run_id == query.result)
        .ok_or_else(|| {
            AppError::NotFound(
                "This bulk result is no longer kept. The audit log has every run.".into(),
            )
        })?;
    Ok(BulkPage {
        layout: layout.active(back_href.trim_start_matches('/')),
        back_href,
        problems: Vec::new(),
        report: Some(report),
    })
}

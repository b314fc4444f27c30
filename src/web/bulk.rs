//! `POST /alerts/bulk`: one change applied to the selected alerts, then a redirect (303) to
//! `GET /alerts/bulk?result=…`, which shows the per-item result kept in the session, so a
//! refresh never sends the change again.

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
use crate::triage::audit::{Actor, AuditLog};
use crate::triage::bulk::run::Runner;
use crate::triage::bulk::{BulkForm, ItemState, RunReport};
use crate::web::layout::Layout;

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

pub async fn alerts(
    State(api): State<AlertsApi>,
    State(audit): State<AuditLog>,
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
        Err(err) => {
            let page = BulkPage {
                layout: layout.active("alerts"),
                back_href: "/alerts",
                problems: err.0,
                report: None,
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let runner = Runner {
        api: &api,
        token: user.access_token(),
        audit: &audit,
        actor: &Actor::from(&user),
    };
    let report = runner
        .alerts(&ids, &update, &describe(&form.change))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let key = report.run_id.clone();
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
    Ok(Redirect::to(&format!("/alerts/bulk?result={key}")).into_response())
}

/// `GET /alerts/bulk?result=…`: a run's result kept in the session; reading it sends nothing.
pub async fn result(
    _user: User,
    layout: Layout,
    session: Session,
    Query(query): Query<ResultQuery>,
) -> Result<BulkPage, AppError> {
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
        layout: layout.active("alerts"),
        back_href: "/alerts",
        problems: Vec::new(),
        report: Some(report),
    })
}

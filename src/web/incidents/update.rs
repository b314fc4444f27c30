//! `POST /incidents/{id}/update`: change one incident, then redirect (303) to
//! `GET /incidents/{id}/update?result=…`, which shows it before and after from the session, so a
//! refresh never sends the change again. A refused form comes back on the incident's page with
//! what was typed and each message beside its field.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_sessions::Session;

use super::manage_form::IncidentManage;
use super::show::{IncidentPage, fetch};
use super::{WRITE_PERMISSION, incident_path, valid_id};
use crate::alerts::api::RestCall;
use crate::alerts::update::UpdateError;
use crate::auth::User;
use crate::error::AppError;
use crate::graph::observe::observe;
use crate::graph::{GraphError, GraphErrorKind};
use crate::incidents::row::IncidentRow;
use crate::incidents::update::IncidentForm;
use crate::incidents::write::write_incident;
use crate::triage::audit::Actor;
use crate::triage::audit::incident::record_incident_update;
use crate::web::alerts::notice::{explain, to_app_error};
use crate::web::alerts::update::ResultQuery;
use crate::web::kept_results;
use crate::web::layout::Layout;
use crate::web::state::AppState;

/// The session key holding the latest incident update results.
const RESULTS_KEY: &str = "incidents.update_results";

#[derive(Template, WebTemplate)]
#[template(path = "incident_update.html")]
pub struct IncidentUpdatePage {
    pub layout: Layout,
    pub original: IncidentRow,
    pub updated: IncidentRow,
    pub calls: Vec<RestCall>,
    pub added_tags: Vec<String>,
    pub removed_tags: Vec<String>,
    /// Why the comment was not saved, with the comment itself, when the other changes were.
    pub comment_problem: Option<(String, String)>,
    pub incident_href: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredResult {
    incident_id: String,
    original: Value,
    updated: Value,
    calls: Vec<RestCall>,
    added_tags: Vec<String>,
    removed_tags: Vec<String>,
    comment_problem: Option<(String, String)>,
}

pub async fn submit(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<IncidentForm>,
) -> Result<Response, AppError> {
    let id = valid_id(&id)?;
    let original = fetch(&state, &user, &id).await?;
    let update = match form.validate(&user.upn, &original) {
        Ok(update) => update,
        Err(err) => return Ok(form_again(layout, &original, &form, &err, None)),
    };
    let (result, answers) = observe(write_incident(
        &state.graph,
        user.access_token(),
        &id,
        &original,
        &update,
    ))
    .await;
    record_incident_update(
        &state.audit,
        &Actor::from(&user),
        &id,
        &original,
        &update,
        &result,
        &answers,
    )
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let written = match result {
        Ok(written) => written,
        Err(err) => return refused(layout, &original, &form, err),
    };
    // Lists show the change at once, before the sync reads it.
    state
        .mirror
        .put_incident(&user.tenant_id, &written.updated, Some(&user.display_name))
        .await;
    let comment_problem = written.comment_refused.as_ref().map(|err| {
        let text = update.comment.clone().unwrap_or_default();
        (explain(err, WRITE_PERMISSION).text, text)
    });
    let stored = StoredResult {
        incident_id: id.clone(),
        original,
        updated: written.updated,
        calls: written.calls,
        added_tags: update.tags.added,
        removed_tags: update.tags.removed,
        comment_problem,
    };
    let key = kept_results::keep(&session, RESULTS_KEY, stored).await?;
    Ok(Redirect::to(&format!("{}/update?result={key}", incident_path(&id))).into_response())
}

/// `GET /incidents/{id}/update?result=…`: a result kept in the session; reading it sends nothing.
pub async fn result(
    _user: User,
    layout: Layout,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<ResultQuery>,
) -> Result<IncidentUpdatePage, AppError> {
    let stored: StoredResult = kept_results::find(&session, RESULTS_KEY, &query.result)
        .await
        .filter(|r: &StoredResult| r.incident_id == id)
        .ok_or_else(|| {
            AppError::NotFound(
                "This update result is no longer kept. Open the incident to see it as it is now."
                    .into(),
            )
        })?;
    Ok(IncidentUpdatePage {
        layout: layout.active("incidents"),
        incident_href: incident_path(&stored.incident_id),
        original: IncidentRow::from_json(&stored.original),
        updated: IncidentRow::from_json(&stored.updated),
        calls: stored.calls,
        added_tags: stored.added_tags,
        removed_tags: stored.removed_tags,
        comment_problem: stored.comment_problem,
    })
}

/// Graph refused the change: its reason beside the form (400), the admin-consent help when the
/// permission is missing (403); the typed form is kept either way.
fn refused(
    layout: Layout,
    original: &Value,
    form: &IncidentForm,
    err: GraphError,
) -> Result<Response, AppError> {
    match err.kind {
        GraphErrorKind::BadRequest => {
            let problem = UpdateError {
                problems: vec![(
                    "form",
                    format!("Microsoft Graph refused the change: {}", err.user_message()),
                )],
            };
            Ok(form_again(layout, original, form, &problem, None))
        }
        GraphErrorKind::Forbidden => {
            let notice = explain(&err, WRITE_PERMISSION);
            let none = UpdateError { problems: vec![] };
            Ok(form_again(layout, original, form, &none, Some(notice)))
        }
        _ => Err(to_app_error(err, WRITE_PERMISSION)),
    }
}

fn form_again(
    layout: Layout,
    original: &Value,
    form: &IncidentForm,
    err: &UpdateError,
    notice: Option<crate::web::alerts::notice::Notice>,
) -> Response {
    let mut page = IncidentPage::new(layout, original);
    page.manage = IncidentManage::with_input(&page.incident, form, Some(err));
    let status = notice
        .as_ref()
        .map_or(StatusCode::BAD_REQUEST, |n| n.status);
    page.notice = notice;
    (status, page).into_response()
}

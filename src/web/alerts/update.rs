//! `POST /alerts/update`: change one alert, then redirect (303) to `GET /alerts/update?result=…`,
//! which shows it before and after from the session, so a refresh never sends the change again.
//! A refused form comes back with what was typed and each message beside its field.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::detail::{AlertPage, alert_path};
use super::manage_form::ManageForm;
use super::notice::to_app_error;
use super::permission;
use crate::alerts::api::{AlertsApi, RestCall, UpdateOutcome};
use crate::alerts::detail::AlertDetail;
use crate::alerts::id::validate_alert_id;
use crate::alerts::row::text;
use crate::alerts::update::{UpdateError, UpdateForm};
use crate::auth::User;
use crate::auth::sign_in::MAX_RETURN_TO;
use crate::config::AlertsApiKind;
use crate::error::AppError;
use crate::graph::observe::observe;
use crate::sync::Mirror;
use crate::triage::audit::{Actor, AuditLog, writes};
use crate::web::kept_results;
use crate::web::layout::Layout;

/// The session key holding the latest update results.
const RESULTS_KEY: &str = "alerts.update_results";

#[derive(Template, WebTemplate)]
#[template(path = "alert_update.html")]
pub struct UpdatePage {
    pub layout: Layout,
    pub original: AlertDetail,
    pub updated: AlertDetail,
    pub calls: Vec<RestCall>,
    pub alert_href: String,
}

/// A form too long to carry through sign-in in the return path: what was typed, to copy.
#[derive(Template, WebTemplate)]
#[template(path = "alert_not_sent.html")]
pub struct NotSentPage {
    pub layout: Layout,
    pub comment: String,
    /// Sign-in, returning to the alert.
    pub retry: String,
}

/// The manage form alone, when a refused form names no alert that could be shown.
#[derive(Template, WebTemplate)]
#[template(path = "alert_manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub manage: ManageForm,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredResult {
    alert_id: String,
    outcome: UpdateOutcome,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResultQuery {
    pub result: String,
}

pub async fn submit(
    State(api): State<AlertsApi>,
    State(audit): State<AuditLog>,
    State(mirror): State<Mirror>,
    user: Option<User>,
    layout: Layout,
    session: Session,
    Form(form): Form<UpdateForm>,
) -> Result<Response, AppError> {
    let Some(user) = user else {
        // The session expired while the form was open: nothing is sent; sign-in returns the
        // user to the alert with what they typed filled in.
        return Ok(through_sign_in(&form, layout));
    };
    let validated = match api.kind() {
        AlertsApiKind::V2 => form.validate_v2(&user.upn),
        AlertsApiKind::Legacy => form.validate_legacy(&user.upn),
    };
    let update = match validated {
        Ok(update) => update,
        Err(err) => return form_again(&api, &user, layout, &form, err).await,
    };
    let Some(original) = api
        .get(user.access_token(), &update.id)
        .await
        .map_err(|err| to_app_error(err, permission(&api)))?
    else {
        let err = UpdateError {
            problems: vec![(
                "alert_id",
                format!("There is no alert with the id '{}'.", update.id),
            )],
        };
        return Ok(manage_page(
            layout,
            api.is_legacy(),
            &form,
            &err,
            StatusCode::NOT_FOUND,
        ));
    };
    if let Err(err) = update.check_pair_with(&text(&original, "/classification")) {
        return Ok(alert_page(&api, layout, &original, &form, &err));
    }
    let (result, answers) = observe(api.update(user.access_token(), &update, &original)).await;
    writes::record_alert_update(
        &audit,
        &Actor::from(&user),
        api.shape(),
        &update,
        &original,
        &result,
        &answers,
    )
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let outcome = result.map_err(|err| to_app_error(err, permission(&api)))?;
    if !api.is_legacy() {
        // Lists show the change at once, before the sync reads it.
        mirror
            .put_alert(&user.tenant_id, &outcome.updated, Some(&user.display_name))
            .await;
    }
    let stored = StoredResult {
        alert_id: update.id.clone(),
        outcome,
    };
    let key = kept_results::keep(&session, RESULTS_KEY, stored).await?;
    Ok(Redirect::to(&format!("/alerts/update?result={key}")).into_response())
}

/// `/login?next=` the alert's page with the typed form in its query (`restored=1`); when that
/// is longer than a return path may be, a page holding the typed comment to copy instead.
fn through_sign_in(form: &UpdateForm, layout: Layout) -> Response {
    let login = |back: &str| {
        let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
        format!("/login?next={next}")
    };
    let Ok(id) = validate_alert_id(form.alert_id.as_deref().unwrap_or_default()) else {
        return Redirect::to(&login("/alerts")).into_response();
    };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("restored", "1");
    let fields = [
        ("status", &form.status),
        ("feedback", &form.feedback),
        ("classification", &form.classification),
        ("determination", &form.determination),
        ("comment", &form.comment),
        ("assign_to_me", &form.assign_to_me),
    ];
    for (name, value) in fields {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            query.append_pair(name, value);
        }
    }
    let back = format!("{}?{}#manage-form", alert_path(&id), query.finish());
    if back.len() > MAX_RETURN_TO {
        return NotSentPage {
            layout: layout.active("alerts"),
            comment: form.comment.clone().unwrap_or_default(),
            retry: login(&alert_path(&id)),
        }
        .into_response();
    }
    Redirect::to(&login(&back)).into_response()
}

/// `GET /alerts/update?result=…`: a result kept in the session; reading it sends nothing.
pub async fn result(
    State(api): State<AlertsApi>,
    _user: User,
    layout: Layout,
    session: Session,
    Query(query): Query<ResultQuery>,
) -> Result<UpdatePage, AppError> {
    let stored: StoredResult = kept_results::find(&session, RESULTS_KEY, &query.result)
        .await
        .ok_or_else(|| {
            AppError::NotFound(
                "This update result is no longer kept. Open the alert to see it as it is now."
                    .into(),
            )
        })?;
    let shape = api.shape();
    Ok(UpdatePage {
        layout: layout.active("alerts"),
        alert_href: alert_path(&stored.alert_id),
        original: AlertDetail::from_json(shape, &stored.outcome.original),
        updated: AlertDetail::from_json(shape, &stored.outcome.updated),
        calls: stored.outcome.calls,
    })
}

/// A refused form: on the alert's own page when its id names an alert, otherwise alone.
async fn form_again(
    api: &AlertsApi,
    user: &User,
    layout: Layout,
    form: &UpdateForm,
    err: UpdateError,
) -> Result<Response, AppError> {
    let id = validate_alert_id(form.alert_id.as_deref().unwrap_or_default()).ok();
    let alert = match id {
        Some(id) => api
            .get(user.access_token(), &id)
            .await
            .map_err(|err| to_app_error(err, permission(api)))?,
        None => None,
    };
    Ok(match alert {
        Some(alert) => alert_page(api, layout, &alert, form, &err),
        None => manage_page(layout, api.is_legacy(), form, &err, StatusCode::BAD_REQUEST),
    })
}

fn alert_page(
    api: &AlertsApi,
    layout: Layout,
    alert: &serde_json::Value,
    form: &UpdateForm,
    err: &UpdateError,
) -> Response {
    let mut page = AlertPage::new(api, layout, alert);
    page.manage = ManageForm::with_input(api.is_legacy(), form, false, Some(err));
    (StatusCode::BAD_REQUEST, page).into_response()
}

fn manage_page(
    layout: Layout,
    legacy: bool,
    form: &UpdateForm,
    err: &UpdateError,
    status: StatusCode,
) -> Response {
    let page = ManagePage {
        layout: layout.active("alerts"),
        manage: ManageForm::with_input(legacy, form, true, Some(err)),
    };
    (status, page).into_response()
}

//! `GET /alerts/{id}`: one alert.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use super::manage_form::ManageForm;
use super::notice::to_app_error;
use super::permission;
use crate::alerts::api::AlertsApi;
use crate::alerts::detail::AlertDetail;
use crate::alerts::evidence::Evidence;
use crate::alerts::id::validate_alert_id;
use crate::alerts::update::UpdateForm;
use crate::auth::User;
use crate::error::AppError;
use crate::sync::Mirror;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "alert.html")]
pub struct AlertPage {
    pub layout: Layout,
    pub alert: AlertDetail,
    /// Evidence beyond devices and users, grouped by type.
    pub evidence: Evidence,
    /// This alert's path in the app, percent-encoded.
    pub self_path: String,
    pub manage: ManageForm,
    /// The email form's recipients as typed, and why they were refused.
    pub email_recipients: String,
    pub email_problem: Option<String>,
    /// The manage form was filled from a submit made before signing in again.
    pub restored: bool,
    /// The filtered list this alert was opened from.
    pub back_href: String,
}

/// A manage form carried through sign-in: `restored=1` and the typed fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RestoreQuery {
    pub restored: Option<String>,
    /// The list's query string, for "Back".
    pub back: Option<String>,
    #[serde(flatten)]
    pub form: UpdateForm,
}

impl AlertPage {
    /// The page for `alert` (Graph's JSON), with empty forms.
    pub fn new(api: &AlertsApi, layout: Layout, alert: &serde_json::Value) -> Self {
        let detail = AlertDetail::from_json(api.shape(), alert);
        Self {
            layout: layout.active("alerts"),
            self_path: alert_path(&detail.row.id),
            manage: ManageForm::new(api.is_legacy(), &detail.row.id),
            alert: detail,
            evidence: Evidence::from_alert(alert),
            email_recipients: String::new(),
            email_problem: None,
            restored: false,
            back_href: "/alerts".to_string(),
        }
    }
}

pub async fn show(
    State(api): State<AlertsApi>,
    State(mirror): State<Mirror>,
    user: User,
    layout: Layout,
    Path(id): Path<String>,
    Query(restore): Query<RestoreQuery>,
) -> Result<AlertPage, AppError> {
    let id = validate_alert_id(&id).map_err(AppError::BadRequest)?;
    let alert = load(&api, &user, &id).await?;
    if !api.is_legacy() {
        // The page read Graph live: its row in the mirror is refreshed with it.
        mirror.put_alert(&user.tenant_id, &alert, None).await;
    }
    let mut page = AlertPage::new(&api, layout, &alert);
    if let Some(back) = restore.back.as_deref().and_then(list_query) {
        page.back_href = format!("/alerts?{back}");
    }
    if restore.restored.as_deref() == Some("1") {
        let form = UpdateForm {
            alert_id: Some(id),
            ..restore.form
        };
        page.manage = ManageForm::with_input(api.is_legacy(), &form, false, None);
        page.restored = true;
    }
    Ok(page)
}

/// Fetches an alert; an unknown id is a 404 page.
pub async fn load(api: &AlertsApi, user: &User, id: &str) -> Result<serde_json::Value, AppError> {
    match api.get(user.access_token(), id).await {
        Ok(Some(alert)) => Ok(alert),
        Ok(None) => Err(AppError::NotFound(format!(
            "There is no alert with the id '{id}'."
        ))),
        Err(err) => Err(to_app_error(err, permission(api))),
    }
}

/// A list's query string as it may follow `/alerts?` (so "Back" can only lead to the list).
fn list_query(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let fine = !raw.is_empty()
        && raw.len() <= 4096
        && !raw.starts_with(['/', '?', '#'])
        && !raw.chars().any(|c| c.is_control() || c == '#');
    fine.then_some(raw)
}

/// `/alerts/<id>` with the id percent-encoded.
pub fn alert_path(id: &str) -> String {
    format!("/alerts/{}", crate::graph::encode_id(id))
}

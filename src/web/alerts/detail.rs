//! `GET /alerts/{id}`: one alert.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::manage_form::ManageForm;
use super::notice::to_app_error;
use super::permission;
use crate::alerts::api::AlertsApi;
use crate::alerts::detail::AlertDetail;
use crate::alerts::id::validate_alert_id;
use crate::auth::User;
use crate::error::AppError;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "alert.html")]
pub struct AlertPage {
    pub layout: Layout,
    pub alert: AlertDetail,
    /// This alert's path in the app, percent-encoded.
    pub self_path: String,
    pub manage: ManageForm,
    /// The email form's recipients as typed, and why they were refused.
    pub email_recipients: String,
    pub email_problem: Option<String>,
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
            email_recipients: String::new(),
            email_problem: None,
        }
    }
}

pub async fn show(
    State(api): State<AlertsApi>,
    user: User,
    layout: Layout,
    Path(id): Path<String>,
) -> Result<AlertPage, AppError> {
    let id = validate_alert_id(&id).map_err(AppError::BadRequest)?;
    let alert = load(&api, &user, &id).await?;
    Ok(AlertPage::new(&api, layout, &alert))
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

/// `/alerts/<id>` with the id percent-encoded.
pub fn alert_path(id: &str) -> String {
    format!("/alerts/{}", crate::graph::encode_id(id))
}

//! `POST /alerts/update`: change one alert, then show it before and after.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;

use super::detail::{alert_path, load};
use super::notice::to_app_error;
use super::permission;
use crate::alerts::api::{AlertsApi, RestCall};
use crate::alerts::detail::AlertDetail;
use crate::alerts::update::UpdateForm;
use crate::auth::User;
use crate::config::AlertsApiKind;
use crate::error::AppError;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "alert_update.html")]
pub struct UpdatePage {
    pub layout: Layout,
    pub original: AlertDetail,
    pub updated: AlertDetail,
    pub calls: Vec<RestCall>,
    pub alert_href: String,
}

pub async fn submit(
    State(api): State<AlertsApi>,
    user: User,
    layout: Layout,
    Form(form): Form<UpdateForm>,
) -> Result<UpdatePage, AppError> {
    let update = match api.kind() {
        AlertsApiKind::V2 => form.validate_v2(&user.upn),
        AlertsApiKind::Legacy => form.validate_legacy(&user.upn),
    }
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let original = load(&api, &user, &update.id).await?;
    let outcome = api
        .update(user.access_token(), &update, &original)
        .await
        .map_err(|err| to_app_error(err, permission(&api)))?;
    Ok(UpdatePage {
        layout: layout.active("alerts"),
        alert_href: alert_path(&update.id),
        original: outcome.original,
        updated: outcome.updated,
        calls: outcome.calls,
    })
}

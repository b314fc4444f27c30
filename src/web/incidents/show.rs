//! `GET /incidents/{id}`: one incident, its comments and alerts, and the manage form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use serde_json::Value;

use super::manage_form::IncidentManage;
use super::{PERMISSION, legacy_explanation, valid_id};
use crate::alerts::row::{AlertRow, Shape};
use crate::auth::User;
use crate::error::AppError;
use crate::graph::{GraphErrorKind, incidents};
use crate::incidents::row::IncidentRow;
use crate::web::alerts::notice::{Notice, to_app_error};
use crate::web::layout::Layout;
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "incident.html")]
pub struct IncidentPage {
    pub layout: Layout,
    pub incident: IncidentRow,
    pub alerts: Vec<AlertRow>,
    pub manage: IncidentManage,
    /// Why Graph refused a change (with the admin-consent link when a permission is missing).
    pub notice: Option<Notice>,
    pub json: String,
}

impl IncidentPage {
    pub fn new(layout: Layout, incident: &Value) -> Self {
        let row = IncidentRow::from_json(incident);
        let alerts = incident
            .get("alerts")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| AlertRow::from_json(Shape::V2, v))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            layout: layout.active("incidents"),
            manage: IncidentManage::for_incident(&row),
            incident: row,
            alerts,
            notice: None,
            json: serde_json::to_string_pretty(incident).unwrap_or_default(),
        }
    }

    /// The incident's alerts are not sortable: the shared alert table shows plain headers.
    pub fn sort_link(&self, _key: &str) -> Option<&crate::web::alerts::links::SortLink> {
        None
    }

    /// An alert's page.
    pub fn alert_href(&self, id: &str) -> String {
        crate::web::alerts::detail::alert_path(id)
    }

    /// The incident's alerts are listed without bulk selection.
    pub fn bulk_select(&self) -> bool {
        false
    }
}

/// The incident with its alerts, or the page explaining why it cannot be read.
pub(super) async fn fetch(state: &AppState, user: &User, id: &str) -> Result<Value, AppError> {
    if let Some(text) = legacy_explanation(state, user) {
        return Err(AppError::Forbidden(text));
    }
    match incidents::get(&state.graph, user.access_token(), id).await {
        Ok(incident) => {
            // Read live: its row in the mirror is refreshed with it.
            state
                .mirror
                .put_incident(&user.tenant_id, &incident, None)
                .await;
            Ok(incident)
        }
        Err(err) if err.kind == GraphErrorKind::NotFound => Err(AppError::NotFound(format!(
            "There is no incident with the id '{id}'."
        ))),
        Err(err) => Err(to_app_error(err, PERMISSION)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    Path(id): Path<String>,
) -> Result<IncidentPage, AppError> {
    let id = valid_id(&id)?;
    let incident = fetch(&state, &user, &id).await?;
    Ok(IncidentPage::new(layout, &incident))
}

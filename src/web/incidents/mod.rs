//! Incidents' pages (alerts_v2 generation): the list (`list.rs`), one incident with its alerts
//! and the manage form (`show.rs`), and the change it sends (`update.rs`). What they show and
//! send is worked out in `crate::incidents`.

pub mod list;
mod manage_form;
mod mirror_list;
mod page;
pub mod show;
pub mod update;

use axum::http::StatusCode;
use axum::response::Response;

use crate::auth::User;
use crate::web::state::AppState;

/// The permission reading incidents needs.
const PERMISSION: &str = "SecurityIncident.Read.All";
/// The permission changing incidents needs.
const WRITE_PERMISSION: &str = "SecurityIncident.ReadWrite.All";

/// An incident's page.
pub fn incident_path(id: &str) -> String {
    format!("/incidents/{}", crate::graph::encode_id(id))
}

/// An incident id from a path, checked as alert ids are.
fn valid_id(raw: &str) -> Result<String, crate::error::AppError> {
    crate::alerts::id::validate_alert_id(raw)
        .map_err(|m| crate::error::AppError::BadRequest(m.replace("alert id", "incident id")))
}

/// On the legacy alert API sign-in does not ask for the incidents permission, so admin consent
/// cannot help: say why incidents are missing instead of pointing at a consent page.
fn legacy_explanation(state: &AppState, user: &User) -> Option<String> {
    let legacy = state.settings.graph.alerts_api == crate::config::AlertsApiKind::Legacy;
    let granted = user
        .granted_scopes
        .iter()
        .any(|s| s.eq_ignore_ascii_case(PERMISSION) || s.eq_ignore_ascii_case(WRITE_PERMISSION));
    (legacy && !granted).then(|| {
        "Incidents come from the current Microsoft Graph security API. This console is set to the \
         legacy alert API (graph.alerts_api = \"legacy\"), so it does not ask for the incidents \
         permission when you sign in, and granting consent would not change that. To work with \
         incidents, ask the operator to set graph.alerts_api to \"v2\"."
            .to_string()
    })
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

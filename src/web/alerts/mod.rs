//! Alert pages: list and filter, one alert, update, email, export.

pub mod choices;
pub mod detail;
pub mod email;
pub mod export;
pub mod list;
pub(crate) use list::legacy_providers;
mod manage_form;
pub mod notice;
pub mod update;

use axum::extract::FromRef;

use crate::alerts::api::AlertsApi;
use crate::state::AppState;

impl FromRef<AppState> for AlertsApi {
    fn from_ref(state: &AppState) -> Self {
        AlertsApi::new(state.settings.graph.alerts_api, state.graph.clone())
    }
}

/// The permission the configured alert API needs.
fn permission(api: &AlertsApi) -> &'static str {
    api.kind().security_scope()
}

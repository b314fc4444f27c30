//! Alert pages: list and filter, one alert, update, email, export.

pub mod choices;
mod detail;
mod email;
mod export;
mod list;
pub(crate) use list::legacy_providers;
mod manage_form;
pub mod notice;
mod update;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};

use crate::alerts::api::AlertsApi;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list::show))
        .route("/alerts/export.json", get(export::json))
        .route("/alerts/export.csv", get(export::csv))
        .route("/alerts/update", post(update::submit))
        .route("/alerts/{id}", get(detail::show))
        .route("/alerts/{id}/email", post(email::send))
}

impl FromRef<AppState> for AlertsApi {
    fn from_ref(state: &AppState) -> Self {
        AlertsApi::new(state.settings.graph.alerts_api, state.graph.clone())
    }
}

/// The permission the configured alert API needs.
fn permission(api: &AlertsApi) -> &'static str {
    api.kind().security_scope()
}

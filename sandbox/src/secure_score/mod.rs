//! `GET /v1.0/security/secureScores` and `GET /v1.0/security/secureScoreControlProfiles`.

mod controls;
pub mod paging;
mod render;

#[cfg(test)]
mod tests;

use axum::extract::{OriginalUri, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::SandboxState;
use super::caller::Caller;
use paging::{PageRequest, graph_page};

/// Permissions that allow reading secure scores (delegated or application).
const READ: [&str; 2] = ["SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"];
/// Profiles per page when the caller does not say (small, so that paging shows).
pub const PROFILES_PAGE: usize = 5;

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1.0/security/secureScores", get(list_scores))
        .route(
            "/v1.0/security/secureScoreControlProfiles",
            get(list_profiles),
        )
}

async fn list_scores(
    caller: Caller,
    State(state): State<SandboxState>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(response) = caller.require(&READ) {
        return response;
    }
    let page = match PageRequest::from_query(&query, render::HISTORY_DAYS as usize, 90) {
        Ok(page) => page,
        Err(response) => return response,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let items = render::scores(caller.tenant_key(), caller.tenant_id(), today);
    respond(&state, &uri, items, page, "secureScores")
}

async fn list_profiles(
    caller: Caller,
    State(state): State<SandboxState>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(response) = caller.require(&READ) {
        return response;
    }
    let page = match PageRequest::from_query(&query, PROFILES_PAGE, 100) {
        Ok(page) => page,
        Err(response) => return response,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let items = render::profiles(caller.tenant_key(), caller.tenant_id(), today);
    respond(&state, &uri, items, page, "secureScoreControlProfiles")
}

fn respond(
    state: &SandboxState,
    uri: &axum::http::Uri,
    items: Vec<serde_json::Value>,
    page: PageRequest,
    entity_set: &str,
) -> Response {
    let base = state.base_url();
    let self_url = base.join(&uri.to_string()).unwrap_or_else(|_| base.clone());
    let context = format!("{base}v1.0/$metadata#security/{entity_set}");
    Json(graph_page(items, page, &self_url, &context)).into_response()
}

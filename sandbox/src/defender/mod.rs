//! The Defender XDR API's `GET /api/incidents`: the tenant's incidents in the Defender shape,
//! `$filter` on times, status and assignee, `$top` (at most 100) and `$skip` paging, and a rate
//! limit per app and tenant answered with 429 as the Defender API does.

mod filter;
pub mod rate_limit;
mod shape;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::SandboxState;
use super::caller::Caller;
use super::errors::RequestIds;
use super::security::TenantRef;
use super::security::listing::ListOptions;
use filter::Filter;
pub use rate_limit::RateLimit;

/// The Defender API's part of the sandbox state.
#[derive(Debug, Default)]
pub struct DefenderState {
    pub rate_limit: RateLimit,
}

/// Application permissions that allow listing incidents.
const READ: [&str; 2] = ["Incident.Read.All", "Incident.ReadWrite.All"];
/// The Defender API's page limit.
const MAX_TOP: usize = 100;

pub fn router() -> Router<SandboxState> {
    Router::new().route("/api/incidents", get(list_incidents))
}

async fn list_incidents(
    caller: Caller,
    State(state): State<SandboxState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if !READ.iter().any(|p| caller.has(p)) {
        return defender_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The application does not have any of the required application roles: Incident.Read.All, Incident.ReadWrite.All.",
        );
    }
    let key = format!("{}/{}", caller.tenant_id(), caller.app_id);
    if let Err(wait) = state.defender().rate_limit.check(&key) {
        return too_many_requests(wait.as_secs_f64().ceil().max(1.0) as u64);
    }
    let option = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    let top = match option("$top").map(|t| t.parse::<usize>()) {
        None => MAX_TOP,
        Some(Ok(n)) if (1..=MAX_TOP).contains(&n) => n,
        Some(_) => {
            return odata_error(&format!(
                "The limit of '{MAX_TOP}' for Top query has been exceeded, or the value is not a positive number."
            ));
        }
    };
    let skip = match option("$skip").map(|s| s.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return odata_error("The value of $skip must be a non-negative number."),
    };
    let filter = match Filter::parse(&option("$filter").unwrap_or_default()) {
        Ok(filter) => filter,
        Err(message) => return odata_error(&message),
    };
    let value: Vec<Value> = graph_incidents(&state, &caller)
        .iter()
        .map(shape::incident)
        .filter(|incident| filter.matches(incident))
        .skip(skip)
        .take(top)
        .collect();
    Json(json!({
        "@odata.context": format!("{}api/$metadata#Incidents", state.base_url()),
        "value": value,
    }))
    .into_response()
}

/// The tenant's incidents as Graph shows them (alerts expanded): both APIs share one store.
fn graph_incidents(state: &SandboxState, caller: &Caller) -> Vec<Value> {
    let tenant = TenantRef {
        key: caller.tenant_key(),
        id: caller.tenant_id(),
    };
    let everything = ListOptions {
        filter: None,
        top: usize::MAX,
        limit: usize::MAX,
        skip: 0,
        count: false,
        expand_alerts: true,
        select: None,
    };
    state.security().list_incidents(tenant, &everything).items
}

/// The Defender error body: `{"error":{"code","message","target"}}`.
fn defender_error(status: StatusCode, code: &str, message: &str) -> Response {
    let target = RequestIds::current().request_id;
    let body = json!({"error": {"code": code, "message": message, "target": target}});
    (status, Json(body)).into_response()
}

fn odata_error(message: &str) -> Response {
    defender_error(StatusCode::BAD_REQUEST, "ODataError", message)
}

fn too_many_requests(wait_secs: u64) -> Response {
    let message = format!("Rate limit is exceeded. Try again in {wait_secs} seconds.");
    let mut response = defender_error(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", &message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait_secs));
    response
}

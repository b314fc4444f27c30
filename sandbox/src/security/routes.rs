//! HTTP handlers for the security routes; the rules live in [`super::listing`],
//! [`super::patch`], [`super::mail`] and [`super::store`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::failure::Failure;
use super::listing::{Collection, ListOptions, page};
use super::store::{TenantRef, alert_not_found};
use super::{evolvable, mail, patch};
use crate::SandboxState;
use crate::caller::Caller;
use crate::seed::render;

const ALERTS_READ: &[&str] = &["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"];
const ALERTS_WRITE: &[&str] = &["SecurityAlert.ReadWrite.All"];
const LEGACY_READ: &[&str] = &["SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"];
const LEGACY_WRITE: &[&str] = &["SecurityEvents.ReadWrite.All"];
const INCIDENTS_READ: &[&str] = &[
    "SecurityIncident.Read.All",
    "SecurityIncident.ReadWrite.All",
];

type Answer = Result<Response, Response>;

pub(super) fn tenant(caller: &Caller) -> TenantRef<'static> {
    TenantRef {
        key: caller.tenant_key(),
        id: caller.tenant_id(),
    }
}

pub(super) fn author(caller: &Caller) -> String {
    caller
        .user
        .map_or_else(|| caller.app_id.clone(), |u| u.display_name.to_string())
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(super) fn json_body(bytes: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(bytes).map_err(|_| {
        Failure::bad_request("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
            .into_response()
    })
}

fn listing(
    state: &SandboxState,
    uri: &Uri,
    headers: &HeaderMap,
    collection: Collection,
    context: &str,
    list: impl FnOnce(&ListOptions) -> super::store::Page,
) -> Answer {
    let mut options =
        ListOptions::parse(collection, &query_pairs(uri)).map_err(|f| f.into_response())?;
    // Legacy alerts page per provider, with `$skip` capped at 500: see `listing`.
    if let Some(page_size) = state.options().page_size
        && collection != Collection::LegacyAlerts
    {
        options.limit_page(page_size);
    }
    if collection == Collection::AlertsV2 && state.options().refuse_evidence_filters {
        refuse_evidence(&options).map_err(IntoResponse::into_response)?;
    }
    let result = list(&options);
    let request_url = state
        .base_url()
        .join(&uri.to_string())
        .map_err(|_| Failure::bad_request("Invalid request URL.").into_response())?;
    let context = format!("{}v1.0/$metadata#{context}", state.base_url());
    let body = page(
        &context,
        result.items,
        result.total,
        result.next_skip,
        &options,
        &request_url,
    );
    Ok(evolvable::answer(headers, body))
}

/// With [`crate::SandboxOptions::refuse_evidence_filters`]: `evidence` is not filterable.
fn refuse_evidence(options: &ListOptions) -> Result<(), Failure> {
    let on_evidence = options
        .filter
        .as_ref()
        .is_some_and(|f| f.root_properties().contains(&"evidence"));
    if on_evidence {
        return Err(Failure::bad_request(
            "Invalid filter clause: filtering on 'evidence' is not supported.",
        ));
    }
    Ok(())
}

pub async fn list_v2(
    caller: Caller,
    State(state): State<SandboxState>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer {
    caller.require(ALERTS_READ)?;
    let store = state.security();
    listing(
        &state,
        &uri,
        &headers,
        Collection::AlertsV2,
        "security/alerts_v2",
        |o| store.list_v2(tenant(&caller), o),
    )
}

pub async fn get_v2(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Answer {
    caller.require(ALERTS_READ)?;
    let alert = state.security().alert(tenant(&caller), &id);
    let alert = alert.ok_or_else(|| alert_not_found(&id).into_response())?;
    Ok(Json(render::alert_v2(&alert)).into_response())
}

pub async fn update_v2(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    caller.require(ALERTS_WRITE)?;
    let body = json_body(&body)?;
    let now = OffsetDateTime::now_utc();
    let updated = state
        .security()
        .update_alert(tenant(&caller), &id, |alert| {
            patch::apply_v2(alert, &body, now)?;
            Ok(render::alert_v2(alert))
        })
        .map_err(IntoResponse::into_response)?;
    Ok(Json(updated).into_response())
}

pub async fn comment_v2(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    caller.require(ALERTS_WRITE)?;
    let body = json_body(&body)?;
    let by = author(&caller);
    let now = OffsetDateTime::now_utc();
    let comments = state
        .security()
        .update_alert(tenant(&caller), &id, |alert| {
            patch::add_comment(alert, &body, &by, now)?;
            Ok(alert
                .comments
                .iter()
                .map(render::comment_v2)
                .collect::<Vec<_>>())
        })
        .map_err(IntoResponse::into_response)?;
    Ok(comments_answer(&state, comments))
}

/// The answer to a comments POST: every comment of the alert or incident.
pub(super) fn comments_answer(state: &SandboxState, comments: Vec<Value>) -> Response {
    let context = format!(
        "{}v1.0/$metadata#Collection(microsoft.graph.security.alertComment)",
        state.base_url()
    );
    Json(json!({"@odata.context": context, "value": comments})).into_response()
}

pub async fn list_legacy(
    caller: Caller,
    State(state): State<SandboxState>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer {
    caller.require(LEGACY_READ)?;
    let store = state.security();
    listing(
        &state,
        &uri,
        &headers,
        Collection::LegacyAlerts,
        "security/alerts",
        |o| store.list_legacy(tenant(&caller), o),
    )
}

pub async fn get_legacy(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Answer {
    caller.require(LEGACY_READ)?;
    let alert = state.security().alert(tenant(&caller), &id);
    let alert = alert.ok_or_else(|| alert_not_found(&id).into_response())?;
    Ok(Json(render::alert_legacy(&alert)).into_response())
}

/// 204, or 200 with the alert when the request says `Prefer: return=representation`.
pub async fn update_legacy(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    caller.require(LEGACY_WRITE)?;
    let body = json_body(&body)?;
    let by = author(&caller);
    let now = OffsetDateTime::now_utc();
    let updated = state
        .security()
        .update_alert(tenant(&caller), &id, |alert| {
            patch::apply_legacy(alert, &body, &by, now)?;
            Ok(render::alert_legacy(alert))
        })
        .map_err(IntoResponse::into_response)?;
    let wants_body = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("return=representation"));
    Ok(if wants_body {
        Json(updated).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

pub async fn list_incidents(
    caller: Caller,
    State(state): State<SandboxState>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer {
    caller.require(INCIDENTS_READ)?;
    let store = state.security();
    listing(
        &state,
        &uri,
        &headers,
        Collection::Incidents,
        "security/incidents",
        |o| store.list_incidents(tenant(&caller), o),
    )
}

pub async fn get_incident(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Answer {
    caller.require(INCIDENTS_READ)?;
    let options = ListOptions::parse(Collection::Incidents, &query_pairs(&uri))
        .map_err(IntoResponse::into_response)?;
    let incident = state
        .security()
        .incident(tenant(&caller), &id, options.expand_alerts);
    incident
        .map(|i| Json(i).into_response())
        .ok_or_else(|| incident_not_found(&id))
}

pub async fn incident_alerts(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Answer {
    caller.require(INCIDENTS_READ)?;
    let incident = state.security().incident(tenant(&caller), &id, true);
    let incident = incident.ok_or_else(|| incident_not_found(&id))?;
    let context = format!(
        "{}v1.0/$metadata#security/incidents('{id}')/alerts",
        state.base_url()
    );
    Ok(Json(json!({"@odata.context": context, "value": incident["alerts"]})).into_response())
}

fn incident_not_found(id: &str) -> Response {
    super::store::incident_not_found(id).into_response()
}

/// `POST /me/sendMail` → 202, the message kept in the outbox.
pub async fn send_mail(caller: Caller, State(state): State<SandboxState>, body: Bytes) -> Answer {
    let user = caller.require_user()?;
    caller.require(&["Mail.Send"])?;
    let body = json_body(&body)?;
    let mail = mail::parse(
        &body,
        caller.tenant_id(),
        user.upn,
        OffsetDateTime::now_utc(),
    )
    .map_err(IntoResponse::into_response)?;
    state.security().send_mail(mail);
    Ok(StatusCode::ACCEPTED.into_response())
}

//! `/v1.0/subscriptions[/{id}]`: create (after the validation handshake), list, get,
//! renew (PATCH), reauthorize and delete, scoped to the caller's tenant.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::de::DeserializeOwned;
use serde_json::json;
use time::OffsetDateTime;

use super::{
    handshake,
    request::{self, Refusal},
    store::SandboxSubscription,
};
use crate::{Caller, SandboxState, errors::graph_error};

/// Permissions that allow managing security alert subscriptions.
const PERMISSIONS: &[&str] = &["SecurityEvents.ReadWrite.All"];

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1.0/subscriptions", post(create).get(list))
        .route(
            "/v1.0/subscriptions/{id}",
            get(read).patch(renew).delete(remove),
        )
        .route("/v1.0/subscriptions/{id}/reauthorize", post(reauthorize))
}

async fn create(State(state): State<SandboxState>, caller: Caller, body: Bytes) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    let body = match parse(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let accepted = match request::check_create(body, OffsetDateTime::now_utc()) {
        Ok(accepted) => accepted,
        Err(refusal) => return refused(&refusal),
    };
    let http = state.subscriptions().http();
    let urls = std::iter::once(&accepted.notification_url).chain(accepted.lifecycle_url.as_ref());
    for url in urls {
        if let Err(error) = handshake::validate(http, url).await {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                &error.to_string(),
            );
        }
    }
    let sub = SandboxSubscription {
        id: uuid::Uuid::new_v4().to_string(),
        tenant_id: caller.tenant_id().to_owned(),
        application_id: caller.app_id.clone(),
        creator_id: caller
            .user
            .map_or_else(|| caller.app_id.clone(), |u| u.oid.to_owned()),
        resource: accepted.resource,
        filter: accepted.filter,
        change_type: accepted.change_type,
        notification_url: accepted.notification_url,
        lifecycle_url: accepted.lifecycle_url,
        client_state: accepted.client_state,
        expiration: accepted.expiration,
        tls: accepted.tls,
    };
    state.subscriptions().store().insert(sub.clone());
    (
        StatusCode::CREATED,
        Json(with_context(sub.to_json(true), "/$entity")),
    )
        .into_response()
}

async fn list(State(state): State<SandboxState>, caller: Caller) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    let subs = state.subscriptions().store().list(caller.tenant_id());
    let value: Vec<_> = subs.iter().map(|s| s.to_json(false)).collect();
    Json(json!({"@odata.context": context(""), "value": value})).into_response()
}

async fn read(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    match state.subscriptions().store().get(caller.tenant_id(), &id) {
        Some(sub) => Json(with_context(sub.to_json(false), "/$entity")).into_response(),
        None => not_found(&id),
    }
}

async fn renew(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    let until = match parse(&body).map(|b| request::check_renew(b, OffsetDateTime::now_utc())) {
        Ok(Ok(until)) => until,
        Ok(Err(refusal)) => return refused(&refusal),
        Err(response) => return response,
    };
    match state
        .subscriptions()
        .store()
        .renew(caller.tenant_id(), &id, until)
    {
        Some(sub) => Json(with_context(sub.to_json(false), "/$entity")).into_response(),
        None => not_found(&id),
    }
}

async fn reauthorize(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    match state.subscriptions().store().get(caller.tenant_id(), &id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(&id),
    }
}

async fn remove(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    if let Err(denied) = caller.require(PERMISSIONS) {
        return denied;
    }
    match state
        .subscriptions()
        .store()
        .remove(caller.tenant_id(), &id)
    {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(&id),
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|_| {
        graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The request body is not a valid subscription object.",
        )
    })
}

fn refused(refusal: &Refusal) -> Response {
    graph_error(StatusCode::BAD_REQUEST, refusal.code, &refusal.message)
}

fn not_found(id: &str) -> Response {
    let shown: String = id.chars().take(64).collect();
    let message = format!("The object was not found. Subscription '{shown}'.");
    graph_error(StatusCode::NOT_FOUND, "ResourceNotFound", &message)
}

fn context(suffix: &str) -> String {
    format!("https://graph.microsoft.com/v1.0/$metadata#subscriptions{suffix}")
}

fn with_context(mut body: serde_json::Value, suffix: &str) -> serde_json::Value {
    if let Some(map) = body.as_object_mut() {
        map.insert("@odata.context".into(), json!(context(suffix)));
    }
    body
}

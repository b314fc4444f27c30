//! HTTP handlers that change incidents: `PATCH /v1.0/security/incidents/{id}` (200 + the
//! incident) and `POST /v1.0/security/incidents/{id}/comments` (200 + every comment). The rules
//! live in [`super::incident_patch`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::evolvable;
use super::incident_patch::{self, Editor};
use super::routes::{author, comments_answer, json_body, tenant};
use crate::SandboxState;
use crate::caller::Caller;
use crate::seed::render;

const INCIDENTS_WRITE: &[&str] = &["SecurityIncident.ReadWrite.All"];

type Answer = Result<Response, Response>;

pub async fn update(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    caller.require(INCIDENTS_WRITE)?;
    let body = json_body(&body)?;
    let editor = Editor {
        name: caller.user.map_or(caller.app_id.as_str(), |u| u.upn),
        evolvable: evolvable::requested(&headers),
    };
    let now = OffsetDateTime::now_utc();
    let updated = state
        .security()
        .update_incident(tenant(&caller), &id, |incident| {
            incident_patch::apply(incident, &body, &editor, now)?;
            Ok(render::incident(incident, None))
        })
        .map_err(IntoResponse::into_response)?;
    Ok(Json(updated).into_response())
}

pub async fn comment(
    caller: Caller,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    caller.require(INCIDENTS_WRITE)?;
    let body = json_body(&body)?;
    let by = author(&caller);
    let now = OffsetDateTime::now_utc();
    let comments = state
        .security()
        .update_incident(tenant(&caller), &id, |incident| {
            incident_patch::add_comment(incident, &body, &by, now)?;
            Ok(incident
                .comments
                .iter()
                .map(render::comment_v2)
                .collect::<Vec<_>>())
        })
        .map_err(IntoResponse::into_response)?;
    Ok(comments_answer(&state, comments))
}

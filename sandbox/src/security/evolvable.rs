//! Evolvable enumeration members, as Graph serves them.
//!
//! Members the CSDL declares after `unknownFutureValue` (an incident's `awaitingAction`, newer
//! service and detection sources) reach only clients whose request says
//! `Prefer: include-unknown-enum-members`; every other client reads `unknownFutureValue` in their
//! place, and may not send them either. Handlers work with the real values; [`hide_unless_asked`]
//! rewrites the answer on the way out.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::schema::security::{DetectionSource, IncidentStatus, ServiceSource};

/// The preference that opts a client in.
pub const PREFERENCE: &str = "include-unknown-enum-members";
/// What hidden members read as.
pub const UNKNOWN_FUTURE_VALUE: &str = "unknownFutureValue";
/// Answers larger than this are passed through untouched (no seeded answer comes near).
const MAX_REWRITTEN: usize = 16 * 1024 * 1024;

/// Whether the request asked for evolvable members (`Prefer` may list several preferences).
pub fn requested(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case(PREFERENCE))
}

/// Whether `value` of `property` is an evolvable member of that property's enumeration.
fn is_evolvable(property: &str, value: &str) -> bool {
    match property {
        "status" => IncidentStatus::from_name(value).is_some_and(IncidentStatus::is_evolvable),
        "serviceSource" => ServiceSource::from_name(value).is_some_and(ServiceSource::is_evolvable),
        "detectionSource" => {
            DetectionSource::from_name(value).is_some_and(DetectionSource::is_evolvable)
        }
        _ => false,
    }
}

/// Replaces every evolvable member in a JSON answer (nested alerts and pages included).
pub fn hide(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(hide),
        Value::Object(fields) => {
            for (key, member) in fields.iter_mut() {
                match member {
                    Value::String(text) if is_evolvable(key, text) => {
                        *member = Value::String(UNKNOWN_FUTURE_VALUE.to_string());
                    }
                    _ => hide(member),
                }
            }
        }
        _ => {}
    }
}

/// Marks an answer already written for the request's preference, which [`hide_unless_asked`]
/// then passes through unread (a large page is not parsed and written a second time).
#[derive(Debug, Clone, Copy)]
pub struct Settled;

/// `value` as a JSON answer, its evolvable members hidden unless `headers` ask for them.
pub fn answer(headers: &HeaderMap, mut value: Value) -> Response {
    if !requested(headers) {
        hide(&mut value);
    }
    let mut response = Json(value).into_response();
    response.extensions_mut().insert(Settled);
    response
}

/// Middleware: JSON answers to requests without the preference lose their evolvable members.
pub async fn hide_unless_asked(request: Request, next: Next) -> Response {
    let asked = requested(request.headers());
    let response = next.run(request).await;
    if asked || response.extensions().get::<Settled>().is_some() {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REWRITTEN).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    hide(&mut value);
    let rewritten = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(rewritten))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

    #[test]
    fn evolvable_members_read_as_unknown_future_value_and_others_stay() {
        let mut page = json!({"value": [
            {"status": "awaitingAction", "alerts": [
                {"status": "new", "serviceSource": "microsoftSentinel",
                 "detectionSource": "scheduledAlerts"},
                {"status": "inProgress", "serviceSource": "microsoftDefenderForEndpoint",
                 "detectionSource": "antivirus"}]},
            {"status": "active", "comments": [{"comment": "awaitingAction"}]}
        ]});
        hide(&mut page);
        assert_eq!(page["value"][0]["status"], "unknownFutureValue");
        let alerts = &page["value"][0]["alerts"];
        assert_eq!(alerts[0]["status"], "new");
        assert_eq!(alerts[0]["serviceSource"], "unknownFutureValue");
        assert_eq!(alerts[0]["detectionSource"], "unknownFutureValue");
        assert_eq!(alerts[1]["serviceSource"], "microsoftDefenderForEndpoint");
        assert_eq!(alerts[1]["detectionSource"], "antivirus");
        assert_eq!(page["value"][1]["status"], "active");
        assert_eq!(
            page["value"][1]["comments"][0]["comment"], "awaitingAction",
            "free text is never rewritten"
        );
    }

    #[test]
    fn the_preference_is_found_among_others_in_any_case() {
        let mut headers = HeaderMap::new();
        assert!(!requested(&headers));
        headers.insert(
            "prefer",
            HeaderValue::from_static("return=representation, Include-Unknown-Enum-Members"),
        );
        assert!(requested(&headers));
        headers.insert("prefer", HeaderValue::from_static("include-unknown"));
        assert!(!requested(&headers));
    }
}

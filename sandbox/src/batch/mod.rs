//! JSON batching, `POST /v1.0/$batch` (Microsoft's "Combine multiple HTTP requests using JSON
//! batching"): up to 20 requests in one body, each answered on its own with its id, status,
//! headers and body. Each request is served by the sandbox's own routes, exactly as if it had been
//! sent alone with the batch's `Authorization` header, so throttling and faults apply per request.
//!
//! `dependsOn` names requests that must finish first; a request whose dependency did not succeed
//! is answered 424 (Failed Dependency) without running. A dependency must be listed earlier in
//! the batch (so the order is a sequence and can never loop); anything else refuses the batch.

mod request;

#[cfg(test)]
mod tests;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use tower::ServiceExt;

use super::SandboxState;
use super::security::failure::Failure;
use request::{BatchItem, parse_batch};

/// Graph's limit on requests in one batch.
pub const MAX_REQUESTS: usize = 20;
/// The largest answer body read back from a sub-request.
const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// Request headers copied from the batch onto every request in it.
const INHERITED: [header::HeaderName; 1] = [header::AUTHORIZATION];

pub async fn run(State(state): State<SandboxState>, headers: HeaderMap, body: Bytes) -> Response {
    let items = match parse_batch(&body) {
        Ok(items) => items,
        Err(failure) => return failure.into_response(),
    };
    let routes = super::router(state);
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut answers = Vec::with_capacity(items.len());
    for item in &items {
        let failed_dependency = item
            .depends_on
            .iter()
            .any(|id| !statuses.get(id).is_some_and(|s| (200..300).contains(s)));
        let answer = if failed_dependency {
            failed_dependency_answer(&item.id)
        } else {
            serve(&routes, item, &headers).await
        };
        let status = answer["status"].as_u64().unwrap_or(500) as u16;
        statuses.insert(item.id.clone(), status);
        answers.push(answer);
    }
    Json(json!({ "responses": answers })).into_response()
}

/// Serves one request through the sandbox's routes; a request that cannot even be built (a bad
/// URL, a nested batch) is answered 400 in its place.
async fn serve(routes: &axum::Router, item: &BatchItem, batch_headers: &HeaderMap) -> Value {
    let request = match item.to_request(batch_headers, &INHERITED) {
        Ok(request) => request,
        Err(failure) => {
            let message = failure.message.clone();
            return json!({
                "id": item.id,
                "status": failure.status.as_u16(),
                "headers": {"Content-Type": "application/json"},
                "body": {"error": {"code": failure.code, "message": message}},
            });
        }
    };
    let response = match routes.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    answer(&item.id, response).await
}

/// A sub-request's response in batch form: JSON bodies inline, other bodies as text, none omitted.
async fn answer(id: &str, response: Response) -> Value {
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        if name == header::CONTENT_LENGTH {
            continue;
        }
        if let Ok(value) = value.to_str() {
            headers.insert(display_name(name.as_str()), json!(value));
        }
    }
    let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
        .await
        .unwrap_or_default();
    let mut entry = json!({ "id": id, "status": status, "headers": headers });
    if !bytes.is_empty() {
        entry["body"] = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
    }
    entry
}

fn failed_dependency_answer(id: &str) -> Value {
    let failure = Failure {
        status: StatusCode::FAILED_DEPENDENCY,
        code: "FailedDependency",
        message: "The request was not run because a request it depends on failed.".into(),
    };
    json!({
        "id": id,
        "status": failure.status.as_u16(),
        "headers": {"Content-Type": "application/json"},
        "body": {"error": {"code": failure.code, "message": failure.message}},
    })
}

/// Header names as Graph writes them in batch answers: `Retry-After`, `Content-Type`, `request-id`.
fn display_name(name: &str) -> String {
    match name {
        "retry-after" => "Retry-After".into(),
        "content-type" => "Content-Type".into(),
        "location" => "Location".into(),
        other => other.into(),
    }
}

/// Builds an HTTP request for the sandbox's router.
fn build(
    method: axum::http::Method,
    uri: &str,
    headers: HeaderMap,
    body: Vec<u8>,
) -> Result<Request<Body>, Failure> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body))
        .map_err(|_| Failure::bad_request("Invalid request URL."))?;
    *request.headers_mut() = headers;
    Ok(request)
}

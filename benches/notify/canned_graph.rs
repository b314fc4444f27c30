//! A canned Graph for the page benchmark: the app's Graph base URL points here. Every request
//! is passed to the sandbox, except that an alerts list (`GET …/security/alerts…`) is answered
//! from memory once the sandbox has answered it once, so page views measure the app and not
//! the sandbox's own work on the same CPUs.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};

/// A recorded answer: status, content type, body.
type Answer = (StatusCode, Option<header::HeaderValue>, Bytes);

#[derive(Clone)]
struct Canned {
    sandbox: String,
    /// This server's own base URL: links in answers point here, as Graph's point to Graph.
    own: String,
    http: reqwest::Client,
    alerts: Arc<RwLock<HashMap<String, Answer>>>,
}

/// Starts the canned Graph in front of `sandbox` (its base URL) on its own thread and
/// runtime; returns its base URL.
pub fn start(sandbox: &str) -> anyhow::Result<String> {
    let sandbox = sandbox.trim_end_matches('/').to_string();
    crate::own_thread::serve("canned-graph", Some(1), |own| {
        let canned = Canned {
            sandbox,
            own: own.to_string(),
            http: reqwest::Client::new(),
            alerts: Arc::default(),
        };
        Router::new().fallback(answer).with_state(canned)
    })
}

async fn answer(State(canned): State<Canned>, request: Request) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    let is_alert_list = request.method() == Method::GET
        && request
            .uri()
            .path()
            .trim_end_matches('/')
            .ends_with("/security/alerts");
    if is_alert_list && let Some(answer) = canned.alerts.read().unwrap().get(&target).cloned() {
        return reply(answer);
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let forwarded = canned
        .http
        .request(parts.method, format!("{}{target}", canned.sandbox))
        .headers(forwardable(&parts.headers))
        .body(body)
        .send()
        .await;
    let Ok(response) = forwarded else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = response.bytes().await.unwrap_or_default();
    // Next links name the sandbox's host; the app follows links to its Graph host only.
    let bytes = match std::str::from_utf8(&bytes) {
        Ok(text) if text.contains(&canned.sandbox) => {
            Bytes::from(text.replace(&canned.sandbox, &canned.own))
        }
        _ => bytes,
    };
    let answer = (status, content_type, bytes);
    if is_alert_list && status == StatusCode::OK {
        canned
            .alerts
            .write()
            .unwrap()
            .insert(target, answer.clone());
    }
    reply(answer)
}

/// The request's headers minus those that describe this hop.
fn forwardable(headers: &HeaderMap) -> HeaderMap {
    let mut headers = headers.clone();
    for hop in [header::HOST, header::CONTENT_LENGTH, header::CONNECTION] {
        headers.remove(hop);
    }
    headers
}

fn reply((status, content_type, body): Answer) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

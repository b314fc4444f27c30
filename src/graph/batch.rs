//! JSON batching: `POST /v1.0/$batch` with up to [`MAX_REQUESTS`] requests, each answered on
//! its own (Microsoft's "Combine multiple HTTP requests using JSON batching"). Graph throttles the
//! requests inside one by one: a throttled one comes back 429 with its own `Retry-After` and was
//! not run, so it alone may be sent again.

pub mod many;

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::throttle::parse_retry_after;
use super::{GraphClient, GraphError};

/// Graph's limit on requests in one batch.
pub const MAX_REQUESTS: usize = 20;

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchRequest {
    pub id: String,
    pub method: String,
    /// Relative to the version, e.g. `/security/alerts_v2/a1`.
    pub url: String,
    #[serde(skip_serializing_if = "HashMap::is_empty")]
    pub headers: HashMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl BatchRequest {
    /// `path` as the other Graph functions write it (`v1.0/security/…`).
    pub fn new(id: &str, method: Method, path: &str, body: Option<Value>) -> Self {
        let url = path
            .trim_start_matches('/')
            .trim_start_matches("v1.0")
            .to_string();
        let mut headers = HashMap::new();
        if body.is_some() {
            headers.insert("Content-Type".to_string(), "application/json".to_string());
        }
        Self {
            id: id.to_string(),
            method: method.to_string(),
            url,
            headers,
            body,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_string(), value.to_string());
        self
    }
}

/// `collection/{id}` with the id percent-encoded, e.g. `v1.0/security/alerts_v2/a%201`.
pub fn item_path(collection: &str, id: &str) -> String {
    format!("{collection}/{}", super::ids::graph_segment(id))
}

/// Graph's answer to one request of a batch.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct BatchAnswer {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: HashMap<String, String>,
    #[serde(default)]
    pub body: Value,
}

impl BatchAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn throttled(&self) -> bool {
        self.status == 429
    }

    /// The wait a 429 asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("Retry-After").and_then(parse_retry_after)
    }

    pub fn request_id(&self) -> String {
        self.header("request-id")
            .map(str::to_string)
            .or_else(|| text(&self.body, "/error/innerError/request-id"))
            .unwrap_or_default()
    }

    pub fn client_request_id(&self) -> String {
        self.header("client-request-id")
            .map(str::to_string)
            .unwrap_or_default()
    }

    /// Graph's error message, or a sentence naming the status when there is none.
    pub fn error_message(&self) -> String {
        text(&self.body, "/error/message")
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("Graph answered {}.", self.status))
    }
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer)?.as_str().map(str::to_string)
}

#[derive(Serialize)]
struct Envelope<'a> {
    requests: &'a [BatchRequest],
}

#[derive(Deserialize)]
struct Answers {
    #[serde(default)]
    responses: Vec<BatchAnswer>,
}

/// Sends one batch (at most [`MAX_REQUESTS`] requests) and returns the answers by request id.
pub async fn send(
    graph: &GraphClient,
    token: &SecretString,
    requests: &[BatchRequest],
) -> Result<HashMap<String, BatchAnswer>, GraphError> {
    debug_assert!(requests.len() <= MAX_REQUESTS);
    let body = serde_json::to_value(Envelope { requests }).unwrap_or_default();
    let answers: Answers = graph
        .send(
            Method::POST,
            token,
            graph.url("v1.0/$batch"),
            Some(&body),
            &[],
        )
        .await?
        .json()?;
    Ok(answers
        .responses
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_become_relative_to_the_version_and_bodies_get_a_content_type() {
        let request = BatchRequest::new(
            "1",
            Method::PATCH,
            "v1.0/security/alerts_v2/a%201",
            Some(json!({"status": "resolved"})),
        );
        assert_eq!(request.url, "/security/alerts_v2/a%201");
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.headers["Content-Type"], "application/json");
        let get = BatchRequest::new("2", Method::GET, "v1.0/me", None);
        assert!(serde_json::to_value(&get).unwrap().get("headers").is_none());
    }

    #[test]
    fn answers_give_their_wait_ids_and_message() {
        let answer: BatchAnswer = serde_json::from_value(json!({
            "id": "7", "status": 429,
            "headers": {"Retry-After": "3", "request-id": "r-1"},
            "body": {"error": {"code": "TooManyRequests", "message": "Please retry again later."}}
        }))
        .unwrap();
        assert!(answer.throttled());
        assert_eq!(answer.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(answer.request_id(), "r-1");
        assert_eq!(answer.error_message(), "Please retry again later.");
        let bare = BatchAnswer {
            status: 500,
            ..BatchAnswer::default()
        };
        assert_eq!(bare.error_message(), "Graph answered 500.");
    }
}

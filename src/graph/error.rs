//! Typed Graph errors: callers match on the kind, users see a readable message.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Throttled,
    Upstream,
    Timeout,
    Unreachable,
    InvalidResponse,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{} (Graph {status}, code {code}, request-id {request_id})", kind_text(*.kind))]
pub struct GraphError {
    pub kind: GraphErrorKind,
    /// HTTP status, 0 when no response arrived.
    pub status: u16,
    /// Graph's error code (`error.code`), e.g. `Authorization_RequestDenied`.
    pub code: String,
    /// Graph's message; shown to users (escaped) to explain the failure.
    pub message: String,
    /// Graph's `request-id`, for support requests.
    pub request_id: String,
    /// The wait Graph asked for with `Retry-After`.
    pub retry_after: Option<Duration>,
}

fn kind_text(kind: GraphErrorKind) -> &'static str {
    match kind {
        GraphErrorKind::BadRequest => "Graph rejected the request",
        GraphErrorKind::Unauthorized => "Graph did not accept the access token",
        GraphErrorKind::Forbidden => "the signed-in account lacks a permission for this call",
        GraphErrorKind::NotFound => "Graph has no such resource",
        GraphErrorKind::Throttled => "Graph is throttling requests",
        GraphErrorKind::Upstream => "Graph failed to answer",
        GraphErrorKind::Timeout => "Graph did not answer in time",
        GraphErrorKind::Unreachable => "Graph could not be reached",
        GraphErrorKind::InvalidResponse => "Graph sent a response that could not be read",
    }
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

impl GraphError {
    pub fn from_response(
        status: u16,
        request_id: String,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        let (code, message) = match serde_json::from_slice::<Envelope>(body) {
            Ok(envelope) => (envelope.error.code, envelope.error.message),
            Err(_) => (String::new(), String::new()),
        };
        let kind = match status {
            400 | 405 | 409 | 412 | 422 => GraphErrorKind::BadRequest,
            401 => GraphErrorKind::Unauthorized,
            403 => GraphErrorKind::Forbidden,
            404 => GraphErrorKind::NotFound,
            429 => GraphErrorKind::Throttled,
            _ => GraphErrorKind::Upstream,
        };
        Self {
            kind,
            status,
            code,
            message,
            request_id,
            retry_after,
        }
    }

    pub fn transport(kind: GraphErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: 0,
            code: String::new(),
            message: message.into(),
            request_id: String::new(),
            retry_after: None,
        }
    }

    /// A sentence for the user; never includes tokens or internal details.
    pub fn user_message(&self) -> String {
        let mut text = kind_text(self.kind).to_string();
        if let (GraphErrorKind::Throttled, Some(wait)) = (self.kind, self.retry_after) {
            text.push_str(&format!("; try again in {} s", wait.as_secs().max(1)));
        }
        if !self.message.is_empty() {
            text.push_str(&format!(": {}", self.message));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_error_body() {
        let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{}}}"#;
        let err = GraphError::from_response(403, "rid".into(), None, body);
        assert_eq!(err.kind, GraphErrorKind::Forbidden);
        assert_eq!(err.code, "Authorization_RequestDenied");
        assert!(err.user_message().contains("Insufficient privileges"));
    }

    #[test]
    fn tolerates_a_non_json_body() {
        let err = GraphError::from_response(502, String::new(), None, b"<html>bad gateway</html>");
        assert_eq!(err.kind, GraphErrorKind::Upstream);
        assert!(err.message.is_empty());
    }
}

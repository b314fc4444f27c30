//! A bounded log of the requests the sandbox received, and per-path counters, for tests to inspect.

use super::SandboxState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

// Enough for a run over hundreds of items and the batches around it.
const MAX_ENTRIES: usize = 2000;
const MAX_LOGGED_BODY: usize = 64 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Headers kept in the log.
const HEADERS_OF_INTEREST: [&str; 6] = [
    "authorization",
    "client-request-id",
    "content-type",
    "prefer",
    "if-match",
    "consistencylevel",
];

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/v1.0/me?$select=displayName`.
    pub path_and_query: String,
    /// The headers of interest present on the request, lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8, truncated at 64 KiB).
    pub body: String,
    /// When the sandbox received it (tests measure a client's waits with these).
    pub received_at: Instant,
    /// The status the sandbox answered, once it has answered.
    pub status: Option<u16>,
    /// The `Retry-After` header of the answer, when it had one.
    pub retry_after: Option<String>,
}

impl RecordedRequest {
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(path, _)| path)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    /// Each entry with its sequence number, so its answer can be filled in later.
    entries: VecDeque<(u64, RecordedRequest)>,
    counts: BTreeMap<String, u64>,
    next: u64,
}

impl RequestLog {
    /// The most recent requests (at most 2,000), oldest first.
    pub fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().entries.iter().map(|(_, e)| e.clone()).collect()
    }

    /// How many requests had a path starting with `prefix` (never truncated).
    pub fn count(&self, prefix: &str) -> u64 {
        self.lock()
            .counts
            .iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// Logs a request; returns its sequence number for [`Self::answered`].
    fn record(&self, entry: RecordedRequest) -> u64 {
        let mut inner = self.lock();
        *inner.counts.entry(entry.path().to_owned()).or_default() += 1;
        if inner.entries.len() == MAX_ENTRIES {
            inner.entries.pop_front();
        }
        let seq = inner.next;
        inner.next += 1;
        inner.entries.push_back((seq, entry));
        seq
    }

    /// Notes the answer to request `seq` (when it is still in the log).
    fn answered(&self, seq: u64, status: u16, retry_after: Option<String>) {
        let mut inner = self.lock();
        if let Some((_, entry)) = inner.entries.iter_mut().find(|(s, _)| *s == seq) {
            entry.status = Some(status);
            entry.retry_after = retry_after;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware: records every request before it is served.
pub async fn record(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let logged = &bytes[..bytes.len().min(MAX_LOGGED_BODY)];
    let headers = HEADERS_OF_INTEREST
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let seq = state.request_log().record(RecordedRequest {
        received_at: Instant::now(),
        status: None,
        retry_after: None,
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.to_string()),
        headers,
        body: String::from_utf8_lossy(logged).into_owned(),
    });
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state
        .request_log()
        .answered(seq, response.status().as_u16(), retry_after);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path_and_query: path.into(),
            headers: vec![("client-request-id".into(), "abc".into())],
            body: String::new(),
            received_at: Instant::now(),
            status: None,
            retry_after: None,
        }
    }

    #[test]
    fn counts_survive_the_cap_and_match_prefixes() {
        let log = RequestLog::default();
        for _ in 0..(MAX_ENTRIES + 10) {
            log.record(entry("/v1.0/me?$select=id"));
        }
        log.record(entry("/v1.0/security/alerts_v2"));
        assert_eq!(log.snapshot().len(), MAX_ENTRIES);
        assert_eq!(log.count("/v1.0/me"), (MAX_ENTRIES + 10) as u64);
        assert_eq!(log.count("/v1.0/"), (MAX_ENTRIES + 11) as u64);
        assert_eq!(log.count("/beta"), 0);
        let last = log.snapshot().pop().unwrap();
        assert_eq!(last.path(), "/v1.0/security/alerts_v2");
        assert_eq!(last.header("Client-Request-Id"), Some("abc"));
    }
}

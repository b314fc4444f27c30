//! Fault injection for tests: throttling, outages and latency on Graph routes, each applied once.

use super::SandboxState;
use super::errors::{graph_error, graph_error_with};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, json};
use std::sync::Mutex;
use std::time::Duration;

/// A fault to apply to one Graph request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After` (seconds, may be fractional) and the documented TooManyRequests body.
    TooManyRequests { retry_after_secs: f64 },
    /// 503 with a Graph error body.
    Unavailable,
    /// Waits this long, then serves the request normally.
    Latency(Duration),
}

/// Pending faults, in the order they were pushed.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<(String, Fault)>>,
}

impl Faults {
    /// Queues `fault` for the next Graph request whose path starts with `path_prefix`.
    pub fn push(&self, path_prefix: &str, fault: Fault) {
        self.lock().push((path_prefix.to_owned(), fault));
    }

    /// Faults not yet applied.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn take_for(&self, path: &str) -> Option<Fault> {
        let mut pending = self.lock();
        let index = pending
            .iter()
            .position(|(prefix, _)| path.starts_with(prefix.as_str()))?;
        Some(pending.remove(index).1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Fault)>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware for Graph routes: applies the first pending fault matching the request path.
pub async fn apply(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    match state.faults().take_for(request.uri().path()) {
        None => next.run(request).await,
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::Unavailable) => graph_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry the request after a delay.",
        ),
        Some(Fault::TooManyRequests { retry_after_secs }) => too_many_requests(retry_after_secs),
    }
}

fn too_many_requests(retry_after_secs: f64) -> Response {
    let mut inner = Map::new();
    inner.insert("code".into(), json!("429"));
    inner.insert("message".into(), json!("Please retry after"));
    inner.insert("status".into(), json!("429"));
    let mut response = graph_error_with(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Please retry again later.",
        inner,
    );
    if let Ok(value) = HeaderValue::from_str(&format_retry_after(retry_after_secs)) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn format_retry_after(secs: f64) -> String {
    let secs = if secs.is_finite() { secs.max(0.0) } else { 0.0 };
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs:.3}").trim_end_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_once_in_order_to_matching_paths() {
        let faults = Faults::default();
        faults.push("/v1.0/security", Fault::Unavailable);
        faults.push("/v1.0/me", Fault::Latency(Duration::from_millis(1)));
        faults.push(
            "/v1.0/security",
            Fault::TooManyRequests {
                retry_after_secs: 1.0,
            },
        );
        assert_eq!(faults.take_for("/v1.0/users"), None);
        assert_eq!(
            faults.take_for("/v1.0/security/alerts_v2"),
            Some(Fault::Unavailable)
        );
        assert_eq!(
            faults.take_for("/v1.0/security/incidents"),
            Some(Fault::TooManyRequests {
                retry_after_secs: 1.0
            })
        );
        assert_eq!(faults.take_for("/v1.0/security/incidents"), None);
        assert_eq!(faults.pending(), 1);
    }

    #[test]
    fn retry_after_keeps_fractions_short() {
        assert_eq!(format_retry_after(2.0), "2");
        assert_eq!(format_retry_after(2.128), "2.128");
        assert_eq!(format_retry_after(0.5), "0.5");
        assert_eq!(format_retry_after(-3.0), "0");
        assert_eq!(format_retry_after(f64::NAN), "0");
    }

    #[tokio::test]
    async fn throttled_body_is_the_documented_one() {
        let response = too_many_requests(2.5);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2.5");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"]["code"], "TooManyRequests");
        assert_eq!(body["error"]["message"], "Please retry again later.");
        assert_eq!(body["error"]["innerError"]["status"], "429");
        assert_eq!(body["error"]["innerError"]["message"], "Please retry after");
    }
}

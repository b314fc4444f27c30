//! Fault injection for tests: throttling, outages and latency on Graph routes, each applied once;
//! and chosen resource ids that fail every time (a 404, 400 or 500 for those ids only).

use super::SandboxState;
use super::errors::{graph_error, graph_error_with};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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

/// Requests naming one id (a path segment) that fail with a status, until cleared.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingId {
    pub id: String,
    /// Only requests with this method fail; `None` fails every method.
    pub method: Option<Method>,
    pub status: StatusCode,
}

/// Pending faults, in the order they were pushed, and the ids that always fail.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<(String, Fault)>>,
    failing_ids: Mutex<Vec<FailingId>>,
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
        self.failing().clear();
    }

    /// Makes every request naming `id` in its path (with `method`, when given) fail with `status`.
    pub fn fail_id(&self, id: &str, method: Option<Method>, status: StatusCode) {
        self.failing().push(FailingId {
            id: id.to_owned(),
            method,
            status,
        });
    }

    fn failing_status(&self, method: &Method, path: &str) -> Option<StatusCode> {
        let failing = self.failing();
        path.split('/').find_map(|segment| {
            let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            failing
                .iter()
                .find(|f| f.id == segment && f.method.as_ref().is_none_or(|m| m == method))
                .map(|f| f.status)
        })
    }

    fn failing(&self) -> std::sync::MutexGuard<'_, Vec<FailingId>> {
        self.failing_ids.lock().unwrap_or_else(|e| e.into_inner())
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
    let path = request.uri().path();
    if let Some(status) = state.faults().failing_status(request.method(), path) {
        return failing_id(status);
    }
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

/// The answer for a failing id: Graph's error body with the code its status usually carries.
fn failing_id(status: StatusCode) -> Response {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("NotFound", "The requested resource was not found."),
        StatusCode::BAD_REQUEST => ("BadRequest", "The request is not valid for this resource."),
        StatusCode::FORBIDDEN => ("Forbidden", "Access to this resource is denied."),
        _ => ("InternalServerError", "An internal server error occurred."),
    };
    graph_error(status, code, message)
}

/// Graph's 429: `Retry-After` and the documented TooManyRequests body.
pub fn too_many_requests(retry_after_secs: f64) -> Response {
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
    fn failing_ids_match_a_whole_segment_and_the_method() {
        let faults = Faults::default();
        faults.fail_id("a 1", Some(Method::PATCH), StatusCode::NOT_FOUND);
        let path = "/v1.0/security/alerts_v2/a%201";
        assert_eq!(
            faults.failing_status(&Method::PATCH, path),
            Some(StatusCode::NOT_FOUND)
        );
        assert_eq!(faults.failing_status(&Method::GET, path), None);
        assert_eq!(
            faults.failing_status(&Method::PATCH, "/v1.0/security/alerts_v2/a%2011"),
            None
        );
        faults.clear();
        assert_eq!(faults.failing_status(&Method::PATCH, path), None);
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

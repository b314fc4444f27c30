//! Graph-shaped error responses and the request ids Graph puts on every response.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The ids of the Graph request being served.
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub request_id: String,
    pub client_request_id: Option<String>,
}

tokio::task_local! {
    static CURRENT: RequestIds;
}

impl RequestIds {
    fn from_headers(headers: &HeaderMap) -> Self {
        let client_request_id = headers
            .get(&CLIENT_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128)
            .map(str::to_owned);
        Self {
            request_id: uuid::Uuid::new_v4().to_string(),
            client_request_id,
        }
    }

    /// The ids of the request in progress (fresh ones outside a Graph request).
    pub fn current() -> Self {
        CURRENT
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Self::from_headers(&HeaderMap::new()))
    }
}

/// Middleware for Graph routes: gives each request a `request-id` (errors built while it runs use it)
/// and sets `request-id` and `client-request-id` on the response.
pub async fn request_ids(request: Request, next: Next) -> Response {
    let ids = RequestIds::from_headers(request.headers());
    let mut response = CURRENT.scope(ids.clone(), next.run(request)).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&ids.request_id) {
        headers.insert(REQUEST_ID, value);
    }
    let client_id = ids.client_request_id.unwrap_or(ids.request_id);
    if let Ok(value) = HeaderValue::from_str(&client_id) {
        headers.insert(CLIENT_REQUEST_ID, value);
    }
    response
}

/// `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
pub fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    graph_error_with(status, code, message, Map::new())
}

/// As [`graph_error`], with extra members in `innerError` (e.g. the 429 `status`).
pub fn graph_error_with(
    status: StatusCode,
    code: &str,
    message: &str,
    extra_inner: Map<String, Value>,
) -> Response {
    let ids = RequestIds::current();
    let mut inner = Map::new();
    inner.insert("date".into(), json!(graph_date()));
    inner.insert("request-id".into(), json!(ids.request_id));
    inner.insert(
        "client-request-id".into(),
        json!(ids.client_request_id.as_deref().unwrap_or(&ids.request_id)),
    );
    inner.extend(extra_inner);
    let body = json!({"error": {"code": code, "message": message, "innerError": inner}});
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&ids.request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Graph's timestamp format: `2026-11-24T10:00:00` (UTC, no offset).
pub fn graph_date() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_json(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn graph_error_has_the_documented_shape() {
        let response = graph_error(StatusCode::FORBIDDEN, "Authorization_RequestDenied", "No.");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let header = response.headers()[REQUEST_ID].to_str().unwrap().to_owned();
        let body = body_json(response).await;
        assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
        assert_eq!(body["error"]["message"], "No.");
        let inner = &body["error"]["innerError"];
        assert_eq!(inner["request-id"], header.as_str());
        assert!(inner["date"].as_str().unwrap().len() == 19);
        assert!(inner["client-request-id"].is_string());
    }

    #[tokio::test]
    async fn graph_error_echoes_the_client_request_id_inside_a_request() {
        let ids = RequestIds {
            request_id: "r-1".into(),
            client_request_id: Some("c-1".into()),
        };
        let response = CURRENT
            .scope(ids, async {
                graph_error(StatusCode::NOT_FOUND, "NotFound", "gone")
            })
            .await;
        assert_eq!(response.headers()[REQUEST_ID], "r-1");
        let body = body_json(response).await;
        assert_eq!(body["error"]["innerError"]["client-request-id"], "c-1");
        assert_eq!(body["error"]["innerError"]["request-id"], "r-1");
    }
}

//! Entra-shaped OAuth errors: JSON bodies from the token endpoint, and error redirects.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use url::Url;

/// A token endpoint error: `error`, `error_description` (with its AADSTS code), `error_codes`, ….
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            error,
            code,
            message: message.into(),
        }
    }

    pub fn invalid_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", code, message)
    }

    pub fn missing(parameter: &str) -> Self {
        Self::invalid_request(
            900144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    pub fn invalid_grant(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", code, message)
    }

    pub fn invalid_client(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", code, message)
    }

    pub fn unauthorized_client(code: u32, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            code,
            message,
        )
    }

    pub fn invalid_scope(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", code, message)
    }

    pub fn unsupported_grant_type(grant_type: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant_type}'."),
        )
    }

    /// `AADSTS{code}: {message}` followed by trace and correlation ids and a timestamp, as Entra writes it.
    fn description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.message
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let trace_id = uuid::Uuid::new_v4().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let timestamp = entra_timestamp();
        let body = json!({
            "error": self.error,
            "error_description": self.description(&trace_id, &correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
        });
        no_store((self.status, Json(body)).into_response())
    }
}

/// 302 to `redirect_uri` with `error`, `error_description` and `state` added to its query.
pub fn error_redirect(
    redirect_uri: &Url,
    error: &str,
    code: u32,
    message: &str,
    state: Option<&str>,
) -> Response {
    let description = format!("AADSTS{code}: {message}");
    let mut params = vec![
        ("error", error),
        ("error_description", description.as_str()),
    ];
    params.extend(state.map(|s| ("state", s)));
    redirect_with(redirect_uri, &params)
}

/// 302 to `base` with `params` appended to its query.
pub fn redirect_with(base: &Url, params: &[(&str, &str)]) -> Response {
    let mut target = base.clone();
    target.query_pairs_mut().extend_pairs(params);
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(target.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    no_store(response)
}

pub fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Entra's timestamp format: `2026-11-24 10:00:00Z`.
fn entra_timestamp() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn token_errors_have_the_documented_fields() {
        let response =
            OAuthError::invalid_client(7000215, "Invalid client secret provided.").into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-store, no-cache"
        );
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"], "invalid_client");
        assert_eq!(body["error_codes"], json!([7000215]));
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with("AADSTS7000215: Invalid client secret provided.\r\nTrace ID: ")
        );
        assert!(description.contains(body["correlation_id"].as_str().unwrap()));
        assert_eq!(body["timestamp"].as_str().unwrap().len(), 20);
        assert!(body["trace_id"].is_string());
    }

    #[test]
    fn error_redirects_keep_state_and_encode_values() {
        let base = Url::parse("http://localhost:5000/login/authorized").unwrap();
        let response = error_redirect(&base, "access_denied", 65004, "No & no.", Some("s 1"));
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = Url::parse(response.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("error".into(), "access_denied".into()),
                ("error_description".into(), "AADSTS65004: No & no.".into()),
                ("state".into(), "s 1".into()),
            ]
        );
    }
}

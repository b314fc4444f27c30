//! Reading what Graph POSTs to `/listen` and `/lifecycle`, from the raw query, headers and
//! body, before anything is trusted: a validation request, or a JSON batch.

use axum::http::{HeaderMap, StatusCode, header};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

/// Largest batch body accepted. Graph batches are small; this bounds memory per request.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Largest number of notifications accepted in one batch.
pub const MAX_BATCH: usize = 1000;

/// A webhook request, once its shape is known.
#[derive(Debug, PartialEq)]
pub enum Inbound {
    /// `?validationToken=…`: echo the decoded token.
    Validation(String),
    /// A `{"value": [...]}` batch; items are checked one by one later.
    Batch(Vec<Value>),
}

/// Why a webhook request was refused, as a status and a readable message.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the request body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("notifications must be sent as application/json")]
    UnsupportedMediaType,
    #[error("the body is not a notification batch: {0}")]
    Malformed(String),
    #[error("a batch may hold at most {MAX_BATCH} notifications")]
    TooMany,
}

impl WebhookError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Malformed(_) | Self::TooMany => StatusCode::BAD_REQUEST,
        }
    }
}

#[derive(Deserialize)]
struct Batch {
    value: Vec<Value>,
}

/// Classifies a webhook request. The validation token is URL-decoded exactly once, as
/// Graph requires; a batch must be JSON of the documented shape.
pub fn read(
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Inbound, WebhookError> {
    if let Some(token) = validation_token(query) {
        return Ok(Inbound::Validation(token));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge);
    }
    if !is_json(headers) {
        return Err(WebhookError::UnsupportedMediaType);
    }
    let batch: Batch =
        serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(describe(&e)))?;
    if batch.value.len() > MAX_BATCH {
        return Err(WebhookError::TooMany);
    }
    Ok(Inbound::Batch(batch.value))
}

/// The decoded `validationToken` query parameter, if present.
pub fn validation_token(query: Option<&str>) -> Option<String> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "validationToken")
        .map(|(_, value)| value.into_owned())
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// A serde error described by category and position only, never echoing the input.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io => "it could not be read",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "it lacks a \"value\" array",
        Category::Eof => "it ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        headers
    }

    #[test]
    fn validation_token_is_decoded_once() {
        let query = "validationToken=Validation%3A%20%3Cscript%3Ealert(1)%3C%2Fscript%3E%2541+x";
        let got = read(Some(query), &HeaderMap::new(), &Bytes::new()).unwrap();
        assert_eq!(
            got,
            Inbound::Validation("Validation: <script>alert(1)</script>%41 x".into())
        );
    }

    #[test]
    fn validation_wins_even_with_a_text_body() {
        let body = Bytes::from_static(b"anything");
        let got = read(Some("a=b&validationToken=t"), &HeaderMap::new(), &body);
        assert_eq!(got.unwrap(), Inbound::Validation("t".into()));
    }

    #[test]
    fn a_batch_needs_json_content_type() {
        let body = Bytes::from_static(br#"{"value":[]}"#);
        let err = read(None, &HeaderMap::new(), &body).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            read(None, &headers, &body).unwrap_err(),
            WebhookError::UnsupportedMediaType
        );
    }

    #[test]
    fn a_batch_must_have_the_documented_shape() {
        for body in [&b"not json"[..], b"{}", br#"{"value":3}"#, b""] {
            let err = read(None, &json_headers(), &Bytes::copy_from_slice(body)).unwrap_err();
            assert_eq!(err.status(), StatusCode::BAD_REQUEST, "{err}");
        }
        let ok = read(
            None,
            &json_headers(),
            &Bytes::from_static(br#"{"value":[{"a":1}]}"#),
        );
        assert_eq!(
            ok.unwrap(),
            Inbound::Batch(vec![serde_json::json!({"a": 1})])
        );
    }

    #[test]
    fn malformed_messages_do_not_echo_the_input() {
        let body = Bytes::from_static(br#"{"value":"<script>"}"#);
        let err = read(None, &json_headers(), &body).unwrap_err();
        assert!(!err.to_string().contains("script"), "{err}");
    }

    #[test]
    fn oversized_and_overlong_batches_are_refused() {
        let big = Bytes::from(vec![b' '; MAX_BODY_BYTES + 1]);
        assert_eq!(
            read(None, &json_headers(), &big).unwrap_err(),
            WebhookError::TooLarge
        );
        let many = format!("{{\"value\":[{}]}}", vec!["{}"; MAX_BATCH + 1].join(","));
        let err = read(None, &json_headers(), &Bytes::from(many)).unwrap_err();
        assert_eq!(err, WebhookError::TooMany);
    }
}

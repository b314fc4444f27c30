//! The validation handshake Graph performs before creating a subscription: POST
//! `{url}?validationToken=…` and expect, within 10 s, 200 + text/plain + the decoded token.

use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use url::Url;

/// Graph's deadline for the validation answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong, phrased as Graph's 400 message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    #[error(
        "Subscription validation request failed. Notification endpoint must respond with 200 OK \
         to validation request. HTTP '{0}'"
    )]
    Status(String),
    #[error("Subscription validation request failed. Response must be text/plain, not '{0}'.")]
    ContentType(String),
    #[error(
        "Subscription validation request failed. Response must exactly match validationToken \
         query parameter."
    )]
    Body,
    #[error("Subscription validation request timed out.")]
    Timeout,
    #[error("Subscription validation request failed. The endpoint could not be reached.")]
    Unreachable,
}

/// A token like Graph's, with characters that only survive one correct URL-decoding.
pub fn token() -> String {
    format!(
        "Validation: Testing client application reachability for subscription Request-Id: {} \
         <&%2B+>",
        uuid::Uuid::new_v4()
    )
}

/// Runs the handshake against `url`.
pub async fn validate(http: &reqwest::Client, url: &Url) -> Result<(), HandshakeError> {
    let token = token();
    let mut target = url.clone();
    target
        .query_pairs_mut()
        .append_pair("validationToken", &token);
    let response = http
        .post(target)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                HandshakeError::Timeout
            } else {
                HandshakeError::Unreachable
            }
        })?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        let reason = status
            .canonical_reason()
            .unwrap_or("Unknown")
            .replace(' ', "");
        return Err(HandshakeError::Status(reason));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !content_type.to_ascii_lowercase().starts_with("text/plain") {
        return Err(HandshakeError::ContentType(content_type));
    }
    let body = tokio::time::timeout(TIMEOUT, response.text())
        .await
        .map_err(|_| HandshakeError::Timeout)?
        .map_err(|_| HandshakeError::Body)?;
    if body != token {
        return Err(HandshakeError::Body);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use wiremock::{
        Mock, MockServer, ResponseTemplate,
        matchers::{method, query_param},
    };

    use super::*;

    async fn endpoint(reply: ResponseTemplate) -> (MockServer, Url) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(reply)
            .mount(&server)
            .await;
        let url = Url::parse(&format!("{}/listen", server.uri())).unwrap();
        (server, url)
    }

    #[tokio::test]
    async fn a_wrong_echo_fails_with_the_reason() {
        let http = reqwest::Client::new();
        let (_s, url) = endpoint(ResponseTemplate::new(200).set_body_string("nope")).await;
        assert_eq!(validate(&http, &url).await, Err(HandshakeError::Body));
        let (_s, url) = endpoint(ResponseTemplate::new(404)).await;
        assert_eq!(
            validate(&http, &url).await,
            Err(HandshakeError::Status("NotFound".into()))
        );
        let html = ResponseTemplate::new(200).set_body_raw("x", "text/html");
        let (_s, url) = endpoint(html).await;
        assert!(matches!(
            validate(&http, &url).await,
            Err(HandshakeError::ContentType(_))
        ));
    }

    #[tokio::test]
    async fn the_token_is_sent_encoded_and_must_come_back_decoded() {
        let server = MockServer::start().await;
        let http = reqwest::Client::new();
        Mock::given(method("POST"))
            .and(query_param("validationToken", "never"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let url = Url::parse(&format!("{}/listen?keep=1", server.uri())).unwrap();
        assert!(validate(&http, &url).await.is_err());
        let request = &server.received_requests().await.unwrap()[0];
        let query = request.url.query().unwrap();
        assert!(
            query.starts_with("keep=1&validationToken=Validation%3A+Testing"),
            "{query}"
        );
        assert!(query.contains("%3C%26%252B%2B%3E"), "{query}");
    }
}

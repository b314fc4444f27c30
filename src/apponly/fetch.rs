//! GET one page of an OData collection with an app-only token: pacing, 429 waits, bounded
//! retries of transient failures, and errors that say what went wrong.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use super::throttle::{RateLimiter, throttle_wait};
use super::{AppOnlyError, Progress};

/// Give up after this many throttled answers to one request.
const MAX_THROTTLED: u32 = 6;
/// Retry 502/503/504 and timeouts this many times.
const MAX_TRANSIENT: u32 = 2;
/// Refuse waits longer than this (the hourly quota); the user is told to come back later.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Wait used when a 429 carries no hint at all.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// One page of a collection.
#[derive(Debug, Deserialize)]
pub struct Page {
    pub value: Vec<Value>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
}

/// Calls one API with one token.
pub struct PageFetcher<'a> {
    pub http: &'a reqwest::Client,
    pub token: &'a SecretString,
    pub api_name: &'static str,
    pub limiter: Option<&'a RateLimiter>,
}

impl PageFetcher<'_> {
    pub async fn get_page(&self, url: &Url, progress: &mut Progress) -> Result<Page, AppOnlyError> {
        let mut throttled = 0;
        let mut transient = 0;
        loop {
            if let Some(limiter) = self.limiter {
                limiter.acquire().await;
            }
            let sent = self
                .http
                .get(url.clone())
                .header(
                    AUTHORIZATION,
                    format!("Bearer {}", self.token.expose_secret()),
                )
                .header("client-request-id", uuid::Uuid::new_v4().to_string())
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(err) if err.is_timeout() && transient < MAX_TRANSIENT => {
                    transient += 1;
                    continue;
                }
                Err(err) => return Err(AppOnlyError::unreachable(url, err)),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|e| AppOnlyError::unreachable(url, e))?;
            if status.is_success() {
                return serde_json::from_slice(&body).map_err(|e| AppOnlyError::BadResponse {
                    api: self.api_name,
                    reason: e.to_string(),
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                throttled += 1;
                if throttled >= MAX_THROTTLED {
                    return Err(AppOnlyError::Throttled {
                        api: self.api_name,
                        attempts: throttled,
                    });
                }
                let wait = self.wait_for(&headers, &body)?;
                progress.note(&format!(
                    "{} is throttling; waiting {:.1} s before retrying",
                    self.api_name,
                    wait.as_secs_f64()
                ));
                tokio::time::sleep(wait).await;
                continue;
            }
            if is_transient(status) && transient < MAX_TRANSIENT {
                transient += 1;
                tokio::time::sleep(Duration::from_millis(500 * u64::from(transient))).await;
                continue;
            }
            return Err(rejected(self.api_name, status, &body));
        }
    }

    fn wait_for(&self, headers: &HeaderMap, body: &[u8]) -> Result<Duration, AppOnlyError> {
        let retry_after = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok());
        let wait =
            throttle_wait(retry_after, body, OffsetDateTime::now_utc()).unwrap_or(DEFAULT_WAIT);
        if wait > MAX_WAIT {
            return Err(AppOnlyError::WaitTooLong {
                api: self.api_name,
                seconds: wait.as_secs(),
            });
        }
        Ok(wait)
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Reads `{"error":{"code","message"}}` (Graph and Defender share it) into a readable error.
fn rejected(api: &'static str, status: StatusCode, body: &[u8]) -> AppOnlyError {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let field = |name: &str| {
        json.pointer(&format!("/error/{name}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let code = field("code");
    let mut message = field("message");
    if message.is_empty() {
        message = match status {
            StatusCode::UNAUTHORIZED => "the access token was not accepted".into(),
            StatusCode::FORBIDDEN => "the app lacks a permission for this call".into(),
            _ => status.canonical_reason().unwrap_or("error").into(),
        };
    }
    AppOnlyError::Rejected {
        api,
        status: status.as_u16(),
        code: if code.is_empty() {
            String::new()
        } else {
            format!(", {code}")
        },
        message,
    }
}

/// Parses a next link and checks that it stays on the configured host.
pub fn checked_next_link(base: &Url, link: &str) -> Result<Url, AppOnlyError> {
    let next = Url::parse(link).map_err(|_| AppOnlyError::ForeignNextLink(link.to_string()))?;
    if next.origin() != base.origin() {
        return Err(AppOnlyError::ForeignNextLink(link.to_string()));
    }
    Ok(next)
}

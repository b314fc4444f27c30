//! The one Graph HTTP client, for the console and the CLI alike: base URL injected (so it serves
//! Graph and the Defender API), a fresh client-request-id per call, Graph's request-id kept,
//! optional pacing, bounded retries, a timeout on every call, typed errors.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, header};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use url::Url;
use uuid::Uuid;

use super::error::{GraphError, GraphErrorKind};
use super::meter::CallMeter;
use super::retry::RetryPolicy;
use super::throttle::{RateLimiter, parse_retry_after, throttle_wait};

/// How a client behaves beyond its base URL.
#[derive(Debug)]
pub struct ClientOptions {
    /// The longest one call may take.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Client-side pacing for APIs with a documented call rate (e.g. the Defender API).
    pub pacing: Option<RateLimiter>,
}

impl ClientOptions {
    /// The console's client: interactive retries, no pacing.
    pub fn interactive(timeout: Duration) -> Self {
        Self {
            timeout,
            retry: RetryPolicy::INTERACTIVE,
            pacing: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    base: Url,
    retry: RetryPolicy,
    pacing: Option<Arc<RateLimiter>>,
    /// Counts every request sent, per tenant (the console's budget).
    meter: Option<CallMeter>,
}

/// A successful answer: the status, Graph's request-id and the raw body.
#[derive(Debug, Clone)]
pub struct GraphResponse {
    pub status: u16,
    pub request_id: String,
    pub body: Bytes,
}

impl GraphResponse {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let mut err = GraphError::transport(GraphErrorKind::InvalidResponse, e.to_string());
            err.status = self.status;
            err.request_id = self.request_id.clone();
            err
        })
    }
}

impl GraphClient {
    /// The console's client (see [`ClientOptions::interactive`]).
    pub fn new(base: Url, timeout: Duration) -> Self {
        Self::with_options(base, ClientOptions::interactive(timeout))
    }

    pub fn with_options(base: Url, options: ClientOptions) -> Self {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("graphsec/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend is compiled in");
        Self {
            http,
            base,
            retry: options.retry,
            pacing: options.pacing.map(Arc::new),
            meter: None,
        }
    }

    /// The same client, counting every request it sends in `meter`.
    pub fn with_meter(mut self, meter: CallMeter) -> Self {
        self.meter = Some(meter);
        self
    }

    pub fn meter(&self) -> Option<&CallMeter> {
        self.meter.as_ref()
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `path` is relative to the Graph root, e.g. `v1.0/me`; an optional `?query` is kept.
    pub fn url(&self, path: &str) -> Url {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut url = self.base.clone();
        let root = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{root}/{}", path.trim_start_matches('/')));
        url.set_query((!query.is_empty()).then_some(query));
        url.set_fragment(None);
        url
    }

    /// A URL with query parameters encoded properly.
    pub fn url_with_query(&self, path: &str, params: &[(&str, String)]) -> Url {
        let mut url = self.url(path);
        if !params.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Accepts a server-supplied link (e.g. `@odata.nextLink`) only when it points at the configured Graph host,
    /// so a forged link can never make us send the user's token elsewhere.
    pub fn trusted_link(&self, link: &str) -> Result<Url, GraphError> {
        let url = Url::parse(link).map_err(|_| {
            GraphError::transport(
                GraphErrorKind::InvalidResponse,
                "Graph sent a malformed next link",
            )
        })?;
        if url.origin() != self.base.origin() {
            return Err(GraphError::transport(
                GraphErrorKind::InvalidResponse,
                "Graph sent a next link to another host; it was not followed",
            ));
        }
        Ok(url)
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        url: Url,
    ) -> Result<T, GraphError> {
        self.send(Method::GET, token, url, None, &[]).await?.json()
    }

    /// `get_json`, telling `on_throttle` about each wait for a throttled answer before it starts
    /// (a command line shows it; the console only logs it).
    pub async fn get_json_reporting<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        url: Url,
        on_throttle: &mut (dyn FnMut(Duration) + Send),
    ) -> Result<T, GraphError> {
        self.send_reporting(Method::GET, token, url, None, &[], on_throttle)
            .await?
            .json()
    }

    /// Sends one call with retries; non-2xx answers become a typed `GraphError`.
    pub async fn send(
        &self,
        method: Method,
        token: &SecretString,
        url: Url,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Result<GraphResponse, GraphError> {
        self.send_reporting(method, token, url, body, headers, &mut |_| {})
            .await
    }

    async fn send_reporting(
        &self,
        method: Method,
        token: &SecretString,
        url: Url,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
        on_throttle: &mut (dyn FnMut(Duration) + Send),
    ) -> Result<GraphResponse, GraphError> {
        let mut attempt = 1;
        loop {
            if let Some(pacing) = &self.pacing {
                pacing.acquire().await;
            }
            if let Some(meter) = &self.meter {
                meter.record_token(token.expose_secret());
            }
            let client_request_id = Uuid::new_v4().to_string();
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose_secret())
                .header("client-request-id", client_request_id.as_str())
                .header(header::ACCEPT, "application/json");
            let mut prefer = PREFER_EVOLVABLE.to_string();
            for (name, value) in headers {
                if name.eq_ignore_ascii_case("prefer") {
                    prefer = format!("{value}, {prefer}");
                } else {
                    request = request.header(*name, *value);
                }
            }
            request = request.header("Prefer", prefer);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => match self.retry.after_timeout(&method, attempt) {
                    Some(wait) if err.is_timeout() => {
                        tracing::warn!(
                            attempt,
                            wait_ms = wait.as_millis() as u64,
                            "retrying a timed-out Graph call"
                        );
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    _ => return Err(transport_error(err)),
                },
            };
            let status = response.status().as_u16();
            let request_id = header_text(&response, "request-id");
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = response.bytes().await.map_err(transport_error)?;
            super::observe::note(|| super::observe::Answered {
                method: method.to_string(),
                path: url.path().to_string(),
                status,
                request_id: request_id.clone(),
                client_request_id,
            });
            if (200..300).contains(&status) {
                return Ok(GraphResponse {
                    status,
                    request_id,
                    body: bytes,
                });
            }
            let hint = if status == 429 {
                throttle_wait(retry_after.as_deref(), &bytes, OffsetDateTime::now_utc())
            } else {
                retry_after.as_deref().and_then(parse_retry_after)
            };
            match self.retry.after_status(&method, status, hint, attempt) {
                Some(wait) => {
                    tracing::warn!(%status, attempt, wait_ms = wait.as_millis() as u64, %request_id, "retrying Graph call");
                    if status == 429 {
                        on_throttle(wait);
                    }
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => {
                    return Err(GraphError::from_response(status, request_id, hint, &bytes));
                }
            }
        }
    }
}

/// Every call asks for the enumeration members Graph added after `unknownFutureValue`
/// (`awaitingAction`, newer service sources), so pages show what Microsoft sent; values graphsec
/// has no label for are shown as they came.
pub const PREFER_EVOLVABLE: &str = "include-unknown-enum-members";

fn header_text(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn transport_error(err: reqwest::Error) -> GraphError {
    let kind = if err.is_timeout() {
        GraphErrorKind::Timeout
    } else if err.is_connect() {
        GraphErrorKind::Unreachable
    } else {
        GraphErrorKind::Upstream
    };
    // The reqwest message may contain the URL but never headers, so the token stays out of it.
    GraphError::transport(kind, err.without_url().to_string())
}

#[cfg(test)]
mod tests;

//! The one Graph HTTP client: base URL from config, a fresh client-request-id per call,
//! bounded retries, a timeout on every call, typed errors.

use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, header};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;

use super::error::{GraphError, GraphErrorKind};
use super::retry::{parse_retry_after, wait_before_retry};

#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    base: Url,
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
    pub fn new(base: Url, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("graphsec/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend is compiled in");
        Self { http, base }
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

    /// Sends one call with retries; non-2xx answers become a typed `GraphError`.
    pub async fn send(
        &self,
        method: Method,
        token: &SecretString,
        url: Url,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Result<GraphResponse, GraphError> {
        let mut attempt = 1;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose_secret())
                .header("client-request-id", Uuid::new_v4().to_string())
                .header(header::ACCEPT, "application/json");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(transport_error)?;
            let status = response.status().as_u16();
            let request_id = header_text(&response, "request-id");
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let bytes = response.bytes().await.map_err(transport_error)?;
            if (200..300).contains(&status) {
                return Ok(GraphResponse {
                    status,
                    request_id,
                    body: bytes,
                });
            }
            match wait_before_retry(&method, status, retry_after, attempt) {
                Some(wait) => {
                    tracing::warn!(%status, attempt, wait_ms = wait.as_millis() as u64, %request_id, "retrying Graph call");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => {
                    return Err(GraphError::from_response(
                        status,
                        request_id,
                        retry_after,
                        &bytes,
                    ));
                }
            }
        }
    }
}

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
mod tests {
    use super::*;
    use wiremock::matchers::{header_exists, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> GraphClient {
        GraphClient::new(Url::parse(&server.uri()).unwrap(), Duration::from_secs(2))
    }

    fn token() -> SecretString {
        SecretString::from("t0ken".to_string())
    }

    #[tokio::test]
    async fn retries_after_throttling_then_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0.05"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me"))
            .and(header_exists("client-request-id"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1"})))
            .expect(1)
            .mount(&server)
            .await;
        let graph = client(&server);
        let me: serde_json::Value = graph
            .get_json(&token(), graph.url("v1.0/me"))
            .await
            .unwrap();
        assert_eq!(me["id"], "1");
    }

    #[tokio::test]
    async fn does_not_replay_a_failed_patch() {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .respond_with(ResponseTemplate::new(503))
            .expect(1)
            .mount(&server)
            .await;
        let graph = client(&server);
        let err = graph
            .send(
                Method::PATCH,
                &token(),
                graph.url("v1.0/x"),
                Some(&serde_json::json!({})),
                &[],
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind, GraphErrorKind::Upstream);
    }

    #[tokio::test]
    async fn times_out() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let graph = GraphClient::new(
            Url::parse(&server.uri()).unwrap(),
            Duration::from_millis(200),
        );
        let err = graph
            .get_json::<serde_json::Value>(&token(), graph.url("v1.0/me"))
            .await
            .unwrap_err();
        assert_eq!(err.kind, GraphErrorKind::Timeout);
    }

    #[test]
    fn next_links_must_stay_on_the_graph_host() {
        let graph = GraphClient::new(
            Url::parse("https://graph.microsoft.com").unwrap(),
            Duration::from_secs(1),
        );
        assert!(
            graph
                .trusted_link("https://graph.microsoft.com/v1.0/x?$skip=5")
                .is_ok()
        );
        assert!(graph.trusted_link("https://evil.example/v1.0/x").is_err());
        assert!(
            graph
                .trusted_link("http://graph.microsoft.com/v1.0/x")
                .is_err()
        );
    }

    #[test]
    fn urls_join_paths_and_keep_queries() {
        let graph = GraphClient::new(
            Url::parse("http://127.0.0.1:9/").unwrap(),
            Duration::from_secs(1),
        );
        assert_eq!(
            graph.url("/v1.0/me?$select=id").as_str(),
            "http://127.0.0.1:9/v1.0/me?$select=id"
        );
        let url = graph.url_with_query(
            "v1.0/security/alerts",
            &[("$filter", "title eq 'a b'".into())],
        );
        assert!(
            url.as_str()
                .starts_with("http://127.0.0.1:9/v1.0/security/alerts?%24filter=")
        );
    }
}

//! Paging, throttling and error handling of both incident fetchers against a mock server.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Value, json};
use time::macros::datetime;
use url::Url;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::defender_incidents::{PAGE_SIZE, fetch_defender_incidents};
use super::fetch::{PageFetcher, api_client};
use super::graph_incidents::fetch_graph_incidents;
use super::{Api, AppOnlyError, Progress};

const SINCE: time::OffsetDateTime = datetime!(2026-11-22 12:00:00 UTC);

fn ids(n: std::ops::Range<usize>) -> Vec<Value> {
    n.map(|i| json!({"id": i.to_string(), "severity": "high", "status": "active"}))
        .collect()
}

async fn fetch(server: &MockServer, api: Api) -> Result<Vec<Value>, AppOnlyError> {
    let token = SecretString::from("tok".to_string());
    let client = api_client(api, Url::parse(&server.uri()).unwrap());
    let fetcher = PageFetcher {
        client: &client,
        token: &token,
        api,
    };
    let progress = &mut Progress::silent();
    match api {
        Api::Graph => fetch_graph_incidents(&fetcher, SINCE, None, progress).await,
        Api::Defender => fetch_defender_incidents(&fetcher, SINCE, None, progress).await,
    }
}

async fn graph(server: &MockServer) -> Result<Vec<Value>, AppOnlyError> {
    fetch(server, Api::Graph).await
}

async fn defender(server: &MockServer) -> Result<Vec<Value>, AppOnlyError> {
    fetch(server, Api::Defender).await
}

#[tokio::test]
async fn graph_pages_are_followed_with_the_filter_and_expand() {
    let server = MockServer::start().await;
    let next = format!("{}/v1.0/security/incidents?$skiptoken=p2", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/security/incidents"))
        .and(query_param(
            "$filter",
            "lastUpdateDateTime ge 2026-11-22T12:00:00Z",
        ))
        .and(query_param("$expand", "alerts"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": ids(0..2), "@odata.nextLink": next})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ids(2..3)})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(graph(&server).await.unwrap(), ids(0..3));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"value": [], "@odata.nextLink": "https://evil.example/v1.0/security/incidents"}),
        ))
        .mount(&server)
        .await;
    let err = graph(&server).await.unwrap_err().to_string();
    assert!(err.contains("another host"), "{err}");
}

#[tokio::test]
async fn a_429_is_waited_out_honouring_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0.2")
                .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "Please retry again later."}})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ids(0..1)})))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    assert_eq!(graph(&server).await.unwrap().len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn defender_pages_with_top_and_skip_and_reads_the_body_reset_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/incidents"))
        .and(query_param(
            "$filter",
            "lastUpdateTime ge 2026-11-22T12:00:00Z",
        ))
        .and(query_param("$top", "100"))
        .and(query_param_is_missing("$skip"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ids(0..PAGE_SIZE)})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("$skip", "100"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "code": "TooManyRequests", "message": "Rate limit is exceeded. Try again in 0.1 seconds."}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("$skip", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ids(100..105)})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(defender(&server).await.unwrap(), ids(0..105));
}

#[tokio::test]
async fn rejections_carry_the_api_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": "Forbidden", "message": "Missing application roles.", "target": "x"}})))
        .mount(&server)
        .await;
    let err = defender(&server).await.unwrap_err().to_string();
    assert_eq!(
        err,
        "the Defender API rejected the request (HTTP 403, Forbidden): Missing application roles."
    );
}

#[tokio::test]
async fn transient_failures_are_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>down</html>"))
        .expect(3)
        .mount(&server)
        .await;
    let err = graph(&server).await.unwrap_err().to_string();
    assert!(err.contains("HTTP 503): Service Unavailable"), "{err}");
}

#[tokio::test]
async fn endless_throttling_gives_up_with_a_clear_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let err = graph(&server).await.unwrap_err().to_string();
    assert!(err.contains("still throttling after 6 attempts"), "{err}");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let err = graph(&server).await.unwrap_err().to_string();
    assert!(err.contains("asks to wait 3600 s"), "{err}");
}

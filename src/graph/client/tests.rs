use super::*;
use crate::graph::{RateLimiter, RetryPolicy};
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

fn patient(server: &MockServer, timeout: Duration, pacing: Option<RateLimiter>) -> GraphClient {
    let options = ClientOptions {
        timeout,
        retry: RetryPolicy::PATIENT,
        pacing,
    };
    GraphClient::with_options(Url::parse(&server.uri()).unwrap(), options)
}

#[tokio::test]
async fn errors_tell_the_statuses_apart_and_keep_the_request_id() {
    let server = MockServer::start().await;
    for (status, name) in [(401, "a"), (403, "b"), (404, "c"), (429, "d"), (400, "e")] {
        Mock::given(path(format!("/v1.0/{name}")))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("request-id", format!("rid-{name}"))
                    .insert_header("Retry-After", "0"),
            )
            .mount(&server)
            .await;
    }
    let graph = client(&server);
    let mut kinds = Vec::new();
    for name in ["a", "b", "c", "d", "e"] {
        let err = graph
            .get_json::<serde_json::Value>(&token(), graph.url(&format!("v1.0/{name}")))
            .await
            .unwrap_err();
        assert_eq!(err.request_id, format!("rid-{name}"));
        kinds.push(err.kind);
    }
    assert_eq!(
        kinds,
        [
            GraphErrorKind::Unauthorized,
            GraphErrorKind::Forbidden,
            GraphErrorKind::NotFound,
            GraphErrorKind::Throttled,
            GraphErrorKind::BadRequest,
        ]
    );
}

#[tokio::test]
async fn throttling_waits_are_reported_and_read_from_the_body_when_no_header_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({"error": {
            "code": "TooManyRequests", "message": "Rate limit is exceeded. Try again in 0.1 seconds."}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;
    let graph = patient(&server, Duration::from_secs(2), None);
    let mut waits = Vec::new();
    let me: serde_json::Value = graph
        .get_json_reporting(&token(), graph.url("v1.0/me"), &mut |w| waits.push(w))
        .await
        .unwrap();
    assert_eq!(me["id"], "1");
    assert_eq!(waits, [Duration::from_millis(100)]);
}

#[tokio::test]
async fn a_patient_client_refuses_a_wait_beyond_its_limit_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let graph = patient(&server, Duration::from_secs(2), None);
    let err = graph
        .get_json::<serde_json::Value>(&token(), graph.url("v1.0/me"))
        .await
        .unwrap_err();
    assert_eq!(err.kind, GraphErrorKind::Throttled);
    assert_eq!(err.retry_after, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn a_patient_client_tries_a_timed_out_read_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "2"})))
        .expect(1)
        .mount(&server)
        .await;
    let graph = patient(&server, Duration::from_millis(200), None);
    let me: serde_json::Value = graph
        .get_json(&token(), graph.url("v1.0/me"))
        .await
        .unwrap();
    assert_eq!(me["id"], "2");
}

#[tokio::test]
async fn paced_calls_wait_for_a_free_slot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(3)
        .mount(&server)
        .await;
    let window = Duration::from_millis(300);
    let graph = patient(
        &server,
        Duration::from_secs(2),
        Some(RateLimiter::new(2, window)),
    );
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let _: serde_json::Value = graph
            .get_json(&token(), graph.url("api/incidents"))
            .await
            .unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[test]
fn a_base_with_a_path_keeps_it_and_loses_its_query_and_fragment() {
    let graph = GraphClient::new(
        Url::parse("http://127.0.0.1:8/tenant?x=1#f").unwrap(),
        Duration::from_secs(1),
    );
    assert_eq!(
        graph.url("api/incidents").as_str(),
        "http://127.0.0.1:8/tenant/api/incidents"
    );
}

#[tokio::test]
async fn a_collection_is_read_across_pages_up_to_the_page_limit() {
    let server = MockServer::start().await;
    let next = |n: u32| format!("{}/v1.0/items?page={n}", server.uri());
    for n in 0..3u32 {
        let body = serde_json::json!({"value": [n], "@odata.nextLink": next(n + 1)});
        let mock = Mock::given(method("GET")).and(path("/v1.0/items"));
        let mock = if n == 0 {
            mock.and(wiremock::matchers::query_param_is_missing("page"))
        } else {
            mock.and(wiremock::matchers::query_param("page", n.to_string()))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let graph = client(&server);
    let all: Vec<u32> = graph
        .get_all(&token(), graph.url("v1.0/items"), 2)
        .await
        .unwrap();
    assert_eq!(all, vec![0, 1], "two pages read, the third not requested");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
}

#[tokio::test]
async fn a_collection_stops_at_a_next_link_to_another_host() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [1],
            "@odata.nextLink": "https://attacker.example/v1.0/items?page=2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let graph = client(&server);
    let err = graph
        .get_all::<u32>(&token(), graph.url("v1.0/items"), 5)
        .await
        .unwrap_err();
    assert_eq!(err.kind, GraphErrorKind::InvalidResponse);
}

#[tokio::test]
async fn ids_never_take_a_request_out_of_its_collection() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let graph = client(&server);
    let ids = [".", "..", "%2e", "%2E%2E", "a/../b", "a%2Fb", "a..b"];
    for id in ids {
        let _ = crate::graph::alerts_v2::get(&graph, &token(), id).await;
        let _ = crate::graph::alerts_legacy::get(&graph, &token(), id).await;
        let _ = crate::graph::incidents::get(&graph, &token(), id).await;
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), ids.len() * 3);
    for request in received {
        let path = request.url.path();
        let segment = [
            "/v1.0/security/alerts_v2/",
            "/v1.0/security/alerts/",
            "/v1.0/security/incidents/",
        ]
        .iter()
        .find_map(|collection| path.strip_prefix(collection));
        assert!(
            segment.is_some_and(|s| !s.is_empty() && !s.contains('/')),
            "left the collection: {path}"
        );
    }
}

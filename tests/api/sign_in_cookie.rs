//! Starting a sign-in keeps nothing on the server: state, PKCE verifier, nonce and the page to
//! return to travel in a short-lived signed cookie, so anonymous `/login` requests write no
//! session (SQLite or Redis) and hold no memory; an answer whose cookie is another browser's,
//! forged or expired is refused with the sign-in error page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::StreamExt;
use graphsec::auth::pending_cookie::PendingCookies;
use graphsec::auth::session_data::PendingSignIn;
use graphsec_sandbox::Sandbox;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use secrecy::ExposeSecret;
use url::Url;

use crate::helpers::{
    MEGAN, TestApp, location, new_client, sandbox_options, select_text, spawn_app,
};
use crate::notify_crash::{Server, write_config};
use crate::redis_support::RedisServer;
use crate::sessions::session_rows_in;

const STARTS: usize = 10_000;

/// `count` sign-in starts, 16 at a time, each returning to a 2 KiB path; each must be a
/// redirect to the authorize page setting only the sign-in cookie.
async fn start_sign_ins(server_url: &str, count: usize) {
    let next = format!("/alerts?q={}", "a".repeat(2 * 1024 - 10));
    let url = format!("{server_url}/login?next={}", urlencode(&next));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    futures::stream::iter(0..count)
        .for_each_concurrent(16, |_| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let response = client.get(&url).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::SEE_OTHER);
                let cookies: Vec<_> = response.headers().get_all(SET_COOKIE).iter().collect();
                assert_eq!(cookies.len(), 1);
                assert!(
                    cookies[0]
                        .to_str()
                        .unwrap()
                        .starts_with("graphsec_sign_in=")
                );
            }
        })
        .await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Resident memory of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn ten_thousand_anonymous_sign_in_starts_write_no_session_and_hold_no_memory() {
    let sandbox = Sandbox::start(sandbox_options()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&write_config(&sandbox, dir.path(), &[])).await;
    // Warm up, so what the allocator keeps for itself is counted before, not after.
    start_sign_ins(&server.url, 1_000).await;
    let before = resident_kib(server.pid());
    start_sign_ins(&server.url, STARTS).await;
    let after = resident_kib(server.pid());
    assert!(
        session_rows_in(dir.path()).await.is_empty(),
        "no session row"
    );
    // Kept per start, 2 KiB of return path alone would be 20 MB.
    let grown = after.saturating_sub(before);
    assert!(
        grown < 8 * 1024,
        "memory grew by {grown} KiB over {STARTS} starts"
    );

    // The positive control: a completed sign-in writes its session.
    crate::notify_crash::sign_in(&server, &new_client()).await;
    assert_eq!(session_rows_in(dir.path()).await.len(), 1);
}

/// The keys in `redis` that are not graphsec's own (`graphsec:…`): the session store's.
async fn session_keys(redis: &RedisServer) -> Vec<String> {
    let answer = redis.command("KEYS *").await.unwrap();
    answer
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with('$'))
        .filter(|l| !l.starts_with("graphsec:"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn ten_thousand_anonymous_sign_in_starts_write_nothing_to_redis() {
    let redis = RedisServer::start().await;
    let sandbox = Sandbox::start(sandbox_options()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(&sandbox, dir.path(), &[("redis.url", redis.url())]);
    let server = Server::start(&config).await;
    start_sign_ins(&server.url, STARTS).await;
    assert_eq!(session_keys(&redis).await, Vec::<String>::new());
    crate::notify_crash::sign_in(&server, &new_client()).await;
    assert_eq!(session_keys(&redis).await.len(), 1, "a sign-in's session");
}

/// The sign-in cookie `client` was given by `GET /login`, and the authorize URL.
async fn started(app: &TestApp, client: &reqwest::Client) -> (String, Url) {
    let response = client.get(app.url("/login")).send().await.unwrap();
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (cookie, Url::parse(&location(&response)).unwrap())
}

/// The callback, sent with `cookie` (or none) by a client that keeps no cookies.
async fn answer_with(callback: &Url, cookie: Option<&str>) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(callback.clone());
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

async fn refused(response: reqwest::Response, says: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        !response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("graphsec_session=")),
        "no session starts"
    );
    let page = response.text().await.unwrap();
    let message = select_text(&page, "#error-message").unwrap_or_default();
    assert!(message.contains(says), "{says}: {page}");
}

/// What a genuine cookie carries (it is signed, not hidden).
fn pending_in(cookie: &str) -> PendingSignIn {
    let value = cookie.split_once('=').unwrap().1;
    let payload = value.split('.').next().unwrap();
    let sealed: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    serde_json::from_value(sealed["pending"].clone()).unwrap()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test]
async fn an_answer_with_another_browsers_a_forged_or_an_expired_sign_in_cookie_is_refused() {
    let app = spawn_app().await;
    let owner = new_client();
    let (cookie, authorize) = started(&app, &owner).await;
    let callback = app.approve(&authorize, MEGAN).await;
    let not_ours = "does not belong to a sign-in started in this browser";

    // Another browser, with a sign-in of its own started, or none.
    let (other_cookie, _) = started(&app, &new_client()).await;
    refused(answer_with(&callback, Some(&other_cookie)).await, not_ours).await;
    refused(answer_with(&callback, None).await, not_ours).await;

    // The genuine cookie altered, or one sealed without the app's secret.
    let (name, value) = cookie.split_once('=').unwrap();
    let flipped = if value.starts_with('e') { 'f' } else { 'e' };
    let altered = format!("{name}={flipped}{}", &value[1..]);
    refused(answer_with(&callback, Some(&altered)).await, not_ours).await;
    let stranger = PendingCookies::new(&"not-the-secret".to_string().into(), false);
    let forged = stranger.seal(pending_in(&cookie), now());
    let forged = forged.to_str().unwrap().split(';').next().unwrap();
    refused(answer_with(&callback, Some(forged)).await, not_ours).await;

    // The genuine sign-in, sealed with the app's secret but started 11 minutes ago.
    let secret = app
        .settings
        .identity
        .client_secret
        .expose_secret()
        .to_string();
    let genuine = PendingCookies::new(&secret.into(), false);
    let expired = genuine.seal(pending_in(&cookie), now() - 11 * 60);
    let expired = expired.to_str().unwrap().split(';').next().unwrap();
    refused(answer_with(&callback, Some(expired)).await, "has expired").await;

    // The positive control: the browser's own cookie finishes the sign-in, once.
    let answer = owner.get(callback.clone()).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&answer), "/");
    let cleared = answer
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("graphsec_sign_in="))
        .expect("the sign-in cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn a_return_path_longer_than_2_kib_returns_to_the_home_page() {
    let app = spawn_app().await;
    for (next, back) in [
        (format!("/alerts?q={}", "a".repeat(2 * 1024 - 10)), None),
        (format!("/alerts?q={}", "a".repeat(2 * 1024)), Some("/")),
    ] {
        let authorize = app.begin_sign_in(Some(&next)).await;
        let callback = app.approve(&authorize, MEGAN).await;
        let done = app.client.get(callback).send().await.unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&done), back.unwrap_or(&next));
    }
}

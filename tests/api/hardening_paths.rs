//! Issue 15, item 7: alert and incident ids that would be dot segments (or carry a slash) are
//! refused, and no Graph request leaves the alert or incident collection. The paths are sent
//! byte for byte, since an HTTP client library would resolve the dot segments itself.

use std::sync::Arc;

use graphsec::config::AlertsApiKind;
use reqwest::cookie::{CookieStore, Jar};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, spawn_app_on};

/// `GET raw_path` exactly as written, with the session cookie; the status and body.
pub async fn raw_get(app: &TestApp, jar: &Jar, raw_path: &str) -> (u16, String) {
    let cookie = jar
        .cookies(&app.address.parse().unwrap())
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let request = format!(
        "GET {raw_path} HTTP/1.1\r\nHost: localhost:{}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n",
        app.port
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer[9..12].parse().unwrap();
    (status, answer)
}

#[tokio::test]
async fn dot_and_slash_ids_never_leave_the_alert_collection() {
    let mut app = spawn_app_on(AlertsApiKind::V2).await;
    let jar = Arc::new(Jar::default());
    app.client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .build()
        .unwrap();
    app.sign_in().await;
    let before = app.sandbox.state().requests().len();

    for id in [
        ".",
        "..",
        "%2e",
        "%2E%2E",
        ".%2e",
        "a%2Fb",
        "a%2F..%2Fb",
        "..%2F",
    ] {
        for collection in ["alerts", "incidents"] {
            let (status, page) = raw_get(&app, &jar, &format!("/{collection}/{id}")).await;
            assert_eq!(status, 400, "/{collection}/{id}: {page}");
            assert!(
                page.contains("letter or digit") || page.contains("only letters, digits"),
                "/{collection}/{id}: {page}"
            );
        }
    }
    // Raw slashes never reach the id at all.
    for path in ["/alerts/a/../b", "/alerts/a/./b", "/incidents/a/../b"] {
        let (status, page) = raw_get(&app, &jar, path).await;
        assert_eq!(status, 404, "{path}: {page}");
    }
    assert!(
        app.sandbox.state().requests().len() == before,
        "a refused id reached Graph: {:?}",
        &app.sandbox.state().requests()[before..]
    );

    // Dots inside an id are fine: the call goes to the collection and Graph says no such alert.
    let (status, _) = raw_get(&app, &jar, "/alerts/a..b").await;
    assert_eq!(status, 404);
    let sent: Vec<String> = app.sandbox.state().requests()[before..]
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(sent, ["/v1.0/security/alerts_v2/a..b"]);
}

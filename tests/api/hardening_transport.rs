//! Issue 15, item 9: the sign-in authority, Graph and the Defender API must be https unless on
//! this machine (the app refuses to start, naming the key), and an https console sends HSTS.

use reqwest::header::STRICT_TRANSPORT_SECURITY;

use crate::helpers::{sandbox_options, serve_example, spawn_app, spawn_app_with};

#[tokio::test]
async fn secrets_never_go_to_a_plain_http_remote_and_https_consoles_send_hsts() {
    for (key, env) in [
        ("identity.authority", "GRAPHSEC__IDENTITY__AUTHORITY"),
        ("graph.base_url", "GRAPHSEC__GRAPH__BASE_URL"),
        ("defender.base_url", "GRAPHSEC__DEFENDER__BASE_URL"),
    ] {
        let serve = serve_example()
            .env(env, "http://eavesdropped.example/")
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(std::time::Duration::from_secs(60), serve)
            .await
            .unwrap_or_else(|_| panic!("{key}: serve started with a plain http URL"))
            .unwrap();
        assert!(!output.status.success(), "{key}: serve started");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(key) && stderr.contains("must be https"),
            "{key}: {stderr}"
        );
    }

    let https = spawn_app_with(sandbox_options(), |s| {
        s.server.public_url = "https://localhost:0".into();
    })
    .await;
    for path in ["/", "/healthz", "/login"] {
        let response = https.get(path).await;
        assert_eq!(
            response.headers().get(STRICT_TRANSPORT_SECURITY).unwrap(),
            "max-age=31536000",
            "{path}"
        );
    }
    // Plain http on loopback (the sandbox itself is http://127.0.0.1) is fine, and sends no HSTS.
    let http = spawn_app().await;
    let response = http.get("/").await;
    assert!(response.status().is_success());
    assert!(response.headers().get(STRICT_TRANSPORT_SECURITY).is_none());
}

//! Sessions are written only when something in them changes: anonymous requests create
//! none, and a signed-in user reading pages makes no session write per view.

use std::str::FromStr;

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use sqlx::sqlite::SqliteConnectOptions;

use crate::helpers::{TestApp, new_client, spawn_app};

/// The stored sessions: (id, expiry) of every row.
async fn session_rows(app: &TestApp) -> Vec<(String, String)> {
    session_rows_in(app.data_dir.path()).await
}

/// The stored sessions of the app whose data directory is `dir`.
pub async fn session_rows_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let file = dir.join("graphsec.db");
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(file)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let rows =
        sqlx::query_as("SELECT id, CAST(expiry_date AS TEXT) FROM tower_sessions ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn anonymous_requests_send_no_cookie_and_write_no_session() {
    let app = spawn_app().await;
    let client = new_client();
    for path in [
        "/",
        "/no-such-page",
        "/healthz",
        "/static/app.css",
        "/alerts",
        "/listen",
    ] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert!(
            response.headers().get(SET_COOKIE).is_none(),
            "GET {path} ({}) set a cookie",
            response.status()
        );
    }
    let response = client
        .post(app.url("/listen?validationToken=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let response = client
        .post(app.url("/listen"))
        .header("content-type", "application/json")
        .body(r#"{"value":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(response.headers().get(SET_COOKIE).is_none());
    // A cookie naming no stored session creates none either.
    let response = reqwest::Client::new()
        .get(app.url("/"))
        .header("cookie", "graphsec_session=bm90LWEtc2Vzc2lvbg")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        session_rows(&app).await.is_empty(),
        "a session row was written"
    );
}

#[tokio::test]
async fn sessions_start_at_sign_in_and_page_views_write_nothing() {
    let app = spawn_app().await;
    app.sign_in().await;
    // The first page gives the session its CSRF token (one write).
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    let after_sign_in = session_rows(&app).await;
    assert_eq!(after_sign_in.len(), 1, "one session, made at sign-in");
    for _ in 0..5 {
        let response = app.get("/").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers().get(SET_COOKIE).is_none(),
            "a page view saved the session"
        );
    }
    assert_eq!(
        session_rows(&app).await,
        after_sign_in,
        "the stored session did not change"
    );
}

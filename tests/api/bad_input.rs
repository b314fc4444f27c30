//! Whatever a user (or a crafted link) sends, the answer is a page or a 4xx, never a 5xx.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{select_text, spawn_app_on};

const NASTY: &[&str] = &[
    "%27%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%00",
    "%FF%FE",
    "x%20or%201%20eq%201",
    "%25%25%25",
];

#[tokio::test]
async fn crafted_query_strings_never_cause_a_server_error() {
    for api in [AlertsApiKind::V2, AlertsApiKind::Legacy] {
        let app = spawn_app_on(api).await;
        app.sign_in().await;
        let long = "a".repeat(10_000);
        for path in [
            "/alerts",
            "/incidents",
            "/subscriptions",
            "/listen",
            "/secure-score",
            "/alerts/export.csv",
        ] {
            for field in [
                "top", "status", "severity", "fqdn", "upn", "provider", "next", "after",
            ] {
                for value in NASTY.iter().copied().chain([long.as_str()]) {
                    let url = format!("{path}?{field}={value}");
                    let response = app.get(&url).await;
                    let status = response.status();
                    assert!(
                        !status.is_server_error(),
                        "{api:?} {url:.120} answered {status}"
                    );
                    if status.is_client_error() {
                        let html = response.text().await.unwrap();
                        assert!(
                            select_text(&html, "#error-message, [role=alert]")
                                .is_some_and(|t| !t.is_empty()),
                            "{api:?} {url:.120}: a 4xx without a readable message"
                        );
                    }
                }
            }
        }
        for path in [
            "/alerts/%00",
            "/alerts/..%2F..%2Fme",
            "/incidents/%27",
            "/alerts/%F0%9F%92%A5",
        ] {
            let status = app.get(path).await.status();
            assert!(status.is_client_error(), "{api:?} {path} answered {status}");
        }
        let response = app.post_form("/alerts/update", &[("alert_id", "")]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
}

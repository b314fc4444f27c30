//! The browser pages' routes table is what the app answers: the router is built from it, each
//! entry's GET kind is what a signed-in GET gets, and no GET page is routed outside it (the
//! accessibility test walks the table, so a page outside it would go unchecked).

use graphsec::config::AlertsApiKind;
use graphsec::web::routes::{BROWSER_ROUTES, Get};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};

use crate::alerts_support::{alerts, contoso, signed_in};
use crate::helpers::TestApp;

fn filled(app: &TestApp, path: &str) -> String {
    let id = if path.starts_with("/alerts/") {
        alerts(app).remove(0).id
    } else if path.starts_with("/incidents/") {
        app.sandbox
            .state()
            .security()
            .with_tenant(contoso(), |seed| seed.incidents[0].id.clone())
    } else {
        "some-id".to_string()
    };
    path.replace("{id}", &id)
}

#[tokio::test]
async fn every_route_in_the_table_answers_a_get_as_the_table_says() {
    let app = signed_in(AlertsApiKind::V2).await;
    for route in BROWSER_ROUTES {
        let path = filled(&app, route.path);
        let response = app.get(&path).await;
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or_default().to_string())
                .unwrap_or_default()
        };
        let (content_type, disposition) = (header(CONTENT_TYPE), header(CONTENT_DISPOSITION));
        let said = format!("GET {path}: {status}, {content_type}, {disposition}");
        match route.get {
            Get::None => assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{said}"),
            Get::Page => {
                assert_eq!(status, StatusCode::OK, "{said}");
                assert!(content_type.starts_with("text/html"), "{said}");
            }
            // Without a form sent first there is no result to show: a readable page says so.
            Get::FormResult => {
                assert_eq!(status, StatusCode::NOT_FOUND, "{said}");
                assert!(content_type.starts_with("text/html"), "{said}");
            }
            Get::Download => {
                assert_eq!(status, StatusCode::OK, "{said}");
                assert!(disposition.starts_with("attachment"), "{said}");
            }
            Get::Stream => {
                assert_eq!(status, StatusCode::OK, "{said}");
                assert!(content_type.starts_with("text/event-stream"), "{said}");
            }
            Get::Redirect => assert!(
                status.is_redirection() || status == StatusCode::BAD_REQUEST,
                "{said}"
            ),
        }
    }
}

#[test]
fn no_get_route_is_added_beside_the_table() {
    let source = include_str!("../../src/web/routes.rs");
    let outside: Vec<&str> = source
        .split(".route(\"")
        .skip(1)
        .filter(|call| {
            // The call's own text: up to the next method in the chain, or the function's end.
            let end = [
                ".route(",
                ".layer(",
                ".merge(",
                ".nest_service(",
                ".fallback(",
                "\n}",
            ]
            .iter()
            .filter_map(|next| call.find(next))
            .min()
            .unwrap_or(call.len());
            call[..end].contains("get(")
        })
        .map(|call| call.split('"').next().unwrap_or_default())
        .collect();
    // Liveness is for machines, not people: the only GET outside the pages' table.
    assert_eq!(outside, ["/healthz"], "GET routes outside BROWSER_ROUTES");
    assert!(BROWSER_ROUTES.iter().any(|r| r.get == Get::Page));
}

//! Dates and numbers in every route's input: a day far in the future (`9999-12-31`, whose next
//! day does not exist) is refused with a 400 and a sentence on every route that takes a date,
//! and arbitrary dates and numbers thrown at every date and number input never give a 5xx or
//! a dropped connection, on the live path and on the mirror.

use graphsec::config::AlertsApiKind;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use reqwest::StatusCode;

use crate::alerts_support::signed_in;
use crate::helpers::{TestApp, select_text};
use crate::mirror_support::spawn_mirrored;

const RANGE_SENTENCE: &str = "between 1970-01-01 and 2999-12-31";

/// How a route takes its input: a query string, a form posted with the CSRF token, or (for
/// the live stream) the `Last-Event-ID` header.
#[derive(Clone, Copy, Debug)]
enum Way {
    Query,
    Form,
    Header,
}

/// Every (way, path, field) that takes a date.
const DATE_INPUTS: &[(Way, &str, &str)] = &[
    (Way::Query, "/alerts", "created_from"),
    (Way::Query, "/alerts", "created_to"),
    (Way::Query, "/alerts/export.csv", "created_from"),
    (Way::Query, "/alerts/export.csv", "created_to"),
    (Way::Query, "/alerts/export.json", "created_to"),
    (Way::Query, "/audit", "from"),
    (Way::Query, "/audit", "to"),
    (Way::Query, "/audit/export.json", "to"),
    (Way::Query, "/audit/export.csv", "from"),
    (Way::Form, "/subscriptions", "created_from"),
    (Way::Form, "/subscriptions", "created_to"),
];

/// Every (way, path, field) that takes a number, or a position made of numbers.
const NUMBER_INPUTS: &[(Way, &str, &str)] = &[
    (Way::Query, "/alerts", "top"),
    (Way::Query, "/alerts", "page"),
    (Way::Query, "/alerts", "after"),
    (Way::Query, "/alerts", "before"),
    (Way::Query, "/alerts", "from"),
    (Way::Query, "/alerts/export.csv", "top"),
    (Way::Query, "/incidents", "skip"),
    (Way::Query, "/incidents", "after"),
    (Way::Query, "/incidents", "before"),
    (Way::Query, "/audit", "page"),
    (Way::Query, "/listen/events", "after"),
    (Way::Header, "/listen/events", "last-event-id"),
    (Way::Form, "/subscriptions", "top"),
];

/// Sends `value` as `field` to `path`; panics on a dropped connection or a 5xx.
async fn send(app: &TestApp, token: &str, (way, path, field): (Way, &str, &str), value: &str) {
    let request = match way {
        Way::Query => app.client.get(app.url(path)).query(&[(field, value)]),
        Way::Header => app.client.get(app.url(path)).header(field, value),
        Way::Form => app
            .client
            .post(app.url(path))
            .form(&[(field, value), ("csrf_token", token)]),
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{way:?} {path} {field}={value:?}: connection failed: {e}"));
    let status = response.status();
    assert!(
        !status.is_server_error(),
        "{way:?} {path} {field}={value:?} answered {status}"
    );
}

fn dates() -> impl Strategy<Value = String> {
    prop_oneof![
        (-1_000_000i32..1_000_000, 0u32..20, 0u32..40)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1900i32..10_000, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        any::<String>(),
    ]
}

fn numbers() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{1,40}",
        "-?[0-9]{1,20}\\.-?[0-9]{1,20}\\.-?[0-9]{1,20}",
        "[0-9]{1,20}-[0-9]{1,20}",
        any::<String>(),
    ]
}

/// The values every run tries first: the edges where arithmetic overflows.
const EDGES: &[&str] = &[
    "9999-12-31",
    "0000-01-01",
    "-9999-01-01",
    "+275760-09-13",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807.9223372036854775807.18446744073709551615",
    "-9223372036854775808.-9223372036854775808.0",
    "18446744073709551615-18446744073709551615",
    "4294967296",
    "0",
    "-1",
];

/// `cases` generated values of `strategy`, after the edges, each sent to every input.
async fn throw(
    app: &TestApp,
    inputs: &[(Way, &str, &str)],
    strategy: impl Strategy<Value = String>,
    cases: usize,
) {
    let token = app.csrf_token().await;
    // The same values on every run, so a failure can be run again.
    let mut runner = TestRunner::deterministic();
    let mut values: Vec<String> = EDGES.iter().map(|v| v.to_string()).collect();
    for _ in 0..cases {
        values.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    for value in &values {
        for input in inputs {
            send(app, &token, *input, value).await;
        }
    }
}

#[tokio::test]
async fn a_far_date_is_refused_with_a_sentence_on_every_route_that_takes_one() {
    let app = signed_in(AlertsApiKind::V2).await;
    for path in [
        "/alerts?created_to=9999-12-31",
        "/alerts/export.csv?created_to=9999-12-31",
        "/alerts/export.json?created_from=9999-12-31",
        "/audit?to=9999-12-31",
        "/audit/export.json?to=9999-12-31",
        "/audit/export.csv?from=0001-01-01",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(RANGE_SENTENCE), "{path}: {html:.2000}");
    }
    let response = app
        .post_form("/subscriptions", &[("created_to", "9999-12-31")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains(RANGE_SENTENCE), "{html:.2000}");
    // The last day of the range is still a day one may ask for.
    let response = app.get("/alerts?created_to=2999-12-31").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(select_text(&response.text().await.unwrap(), "#alerts-table").is_some());
}

#[tokio::test]
async fn arbitrary_dates_and_numbers_never_give_a_server_error_on_the_live_path() {
    let app = signed_in(AlertsApiKind::V2).await;
    throw(&app, DATE_INPUTS, dates(), 24).await;
    throw(&app, NUMBER_INPUTS, numbers(), 24).await;
}

#[tokio::test]
async fn arbitrary_dates_and_numbers_never_give_a_server_error_on_the_mirror() {
    let app = spawn_mirrored().await;
    throw(&app, DATE_INPUTS, dates(), 16).await;
    throw(&app, NUMBER_INPUTS, numbers(), 16).await;
}

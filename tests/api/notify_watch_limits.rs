//! Creating watches: caps per user and per tenant (refused with no Graph call), one probe of
//! the filter at Graph, and a watch whose polls keep failing shown as such.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::faults::Fault;
use reqwest::StatusCode;

use crate::helpers::{TestApp, new_client, sandbox_options, select_text, spawn_app_with};
use crate::notify_support::{eventually, html_as, post_form_as, sign_in_client, subscribe};

const V2: &str = "/v1.0/security/alerts_v2";

async fn v2_app(per_user: usize, per_tenant: usize) -> TestApp {
    spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::V2;
        s.notify.poll_interval_secs = 1;
        s.notify.max_watches_per_user = per_user;
        s.notify.max_watches_per_tenant = per_tenant;
    })
    .await
}

/// Subscribes as `client` and returns the answer with the Graph requests the sandbox received
/// meanwhile, polls of existing watches aside.
async fn subscribe_counting(
    app: &TestApp,
    client: &reqwest::Client,
    severity: &str,
) -> (reqwest::Response, Vec<String>) {
    let home = html_as(app, client, "/").await;
    let token = crate::helpers::select_attr(&home, "input[name=csrf_token]", "value").unwrap();
    let before = app.sandbox.state().requests().len();
    let form = [("severity", severity), ("csrf_token", token.as_str())];
    let response = client
        .post(app.url("/subscriptions"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let calls = app.sandbox.state().requests()[before..]
        .iter()
        .filter(|r| !r.path_and_query.contains("lastUpdateDateTime"))
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect();
    (response, calls)
}

/// Probes: reads of the alerts_v2 collection with `$top=1` (the home page's figures also ask
/// `$top=1`, with `$count`).
fn probes(app: &TestApp) -> usize {
    let requests = app.sandbox.state().requests();
    requests
        .iter()
        .filter(|r| r.path() == V2 && r.path_and_query.contains("top=1"))
        .filter(|r| !r.path_and_query.contains("count"))
        .count()
}

#[tokio::test]
async fn watches_beyond_the_user_and_tenant_caps_are_refused_without_a_graph_call() {
    let app = v2_app(1, 2).await;
    app.sign_in().await;
    let first = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(probes(&app), 1, "one probe of the filter");

    let (second, calls) = subscribe_counting(&app, &app.client, "low").await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let error = select_text(&second.text().await.unwrap(), "#subscribe-error").unwrap();
    assert!(error.contains("the most one person may have"), "{error}");
    assert!(
        calls.is_empty(),
        "no Graph call for a refused watch: {calls:?}"
    );

    let adele = new_client();
    sign_in_client(&app, &adele, "adele@contoso.example").await;
    let hers = post_form_as(&app, &adele, "/subscriptions", &[("severity", "low")]).await;
    assert_eq!(hers.status(), StatusCode::SEE_OTHER);
    let alex = new_client();
    sign_in_client(&app, &alex, "alex@contoso.example").await;
    let (his, calls) = subscribe_counting(&app, &alex, "medium").await;
    assert_eq!(his.status(), StatusCode::CONFLICT);
    let error = select_text(&his.text().await.unwrap(), "#subscribe-error").unwrap();
    assert!(
        error.contains("Your organisation already has 2 subscriptions"),
        "{error}"
    );
    assert!(
        calls.is_empty(),
        "no Graph call for a refused watch: {calls:?}"
    );
}

#[tokio::test]
async fn a_watch_whose_probe_graph_refuses_is_not_created_and_says_why() {
    let app = v2_app(20, 200).await;
    app.sign_in().await;
    // The home page's figures are read once per session: read them before the faults.
    app.csrf_token().await;
    for _ in 0..4 {
        let throttled = Fault::TooManyRequests {
            retry_after_secs: 0.1,
        };
        app.sandbox.state().faults().push(V2, throttled);
    }
    let (refused, calls) = subscribe_counting(&app, &app.client, "high").await;
    assert!(
        calls
            .iter()
            .all(|c| c.starts_with("GET /v1.0/security/alerts_v2?")),
        "{calls:?}"
    );
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = refused.text().await.unwrap();
    let error = select_text(&html, "#subscribe-error").unwrap();
    assert!(error.starts_with("Microsoft Graph refused"), "{error}");
    let selected = crate::helpers::select_attr(&html, "#f-severity option[selected]", "value");
    assert_eq!(
        selected.as_deref(),
        Some("high"),
        "the form keeps what was chosen"
    );
    let (_, page) = app.get_html("/subscriptions").await;
    assert!(page.contains("No subscriptions yet"));
}

#[tokio::test]
async fn a_watch_whose_polls_keep_failing_backs_off_and_says_so() {
    let app = v2_app(20, 200).await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..40 {
        app.sandbox.state().faults().push(V2, Fault::Unavailable);
    }
    let marked = eventually(Duration::from_secs(20), || async {
        let (_, html) = app.get_html("/subscriptions").await;
        select_text(&html, ".watch-waiting").is_some_and(|t| t.starts_with("failing since"))
    })
    .await;
    assert!(marked, "the subscriptions page shows the failing watch");
    let (_, html) = app.get_html("/subscriptions").await;
    let waiting = select_text(&html, ".watch-waiting").unwrap();
    assert!(waiting.contains(", next try "), "{waiting}");
}

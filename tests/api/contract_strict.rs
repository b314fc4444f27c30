//! The console against a strict sandbox: when Graph refuses a filter (here `evidence/any(...)`,
//! which the alerts_v2 reference does not list as filterable), the page says which filter and
//! why, keeps the form as filled in, and offers the same view without that filter.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::SandboxOptions;
use graphsec_sandbox::schema::security::AlertStatus;

use crate::alerts_support::{expected, row_ids};
use crate::helpers::{sandbox_options, select_attr, select_text, spawn_app_with};

const QUERY: &str = "/alerts?top=20&status=new&fqdn=srv-dc01.contoso.example";

#[tokio::test]
async fn a_refused_filter_is_named_with_graphs_reason_and_the_view_without_it_is_offered() {
    let options = SandboxOptions {
        refuse_evidence_filters: true,
        ..sandbox_options()
    };
    let app = spawn_app_with(options, |s| s.graph.alerts_api = AlertsApiKind::V2).await;
    app.sign_in().await;

    let (status, html) = app.get_html(QUERY).await;
    assert_eq!(status, 400, "{html}");
    assert_eq!(
        select_text(&html, "#refused-filter-name").as_deref(),
        Some("device")
    );
    assert_eq!(
        select_text(&html, "#refused-filter-reason").as_deref(),
        Some("Invalid filter clause: filtering on 'evidence' is not supported.")
    );
    // The form is kept as the user filled it in.
    assert_eq!(
        select_attr(&html, "#fqdn", "value").as_deref(),
        Some("srv-dc01.contoso.example")
    );
    assert!(select_attr(&html, "#status-new", "checked").is_some());
    // The same view without the refused filter: every other filter kept, and it loads.
    let without = select_attr(&html, "#without-refused-filter", "href").unwrap();
    assert_eq!(without, "/alerts?top=20&status=new");
    let (status, html) = app.get_html(&without).await;
    assert_eq!(status, 200, "{html}");
    let mut shown = row_ids(&html);
    shown.sort();
    assert_eq!(shown, expected(&app, |a| a.status == AlertStatus::New));
}

#[tokio::test]
async fn without_the_switch_the_same_view_loads_and_names_no_refusal() {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::V2
    })
    .await;
    app.sign_in().await;
    let (status, html) = app.get_html(QUERY).await;
    assert_eq!(status, 200, "{html}");
    assert!(select_text(&html, "#refused-filter").is_none());
    let mut shown = row_ids(&html);
    shown.sort();
    let want = expected(&app, |a| {
        a.status == AlertStatus::New && a.hosts.iter().any(|h| h.fqdn == "srv-dc01.contoso.example")
    });
    assert!(!want.is_empty());
    assert_eq!(shown, want);
}

//! Listing and filtering alerts through the app, on both alert APIs.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{
    AlertClassification, AlertDetermination, AlertSeverity, AlertStatus, ServiceSource,
};
use graphsec_sandbox::seed::SOURCES;

use crate::alerts_support::*;
use crate::helpers::MEGAN;

#[tokio::test]
async fn every_filter_field_narrows_the_results_as_the_data_says() {
    for api in APIS {
        let app = signed_in(api).await;
        let legacy = api == AlertsApiKind::Legacy;
        let new_status = if legacy { "new_alert" } else { "new" };
        let mut cases: Vec<(String, Vec<String>)> = vec![
            (
                format!("status={new_status}"),
                expected(&app, |a| a.status == AlertStatus::New),
            ),
            (
                "severity=high".into(),
                expected(&app, |a| a.severity == AlertSeverity::High),
            ),
            (
                "fqdn=srv-dc01.contoso.example".into(),
                expected(&app, |a| {
                    a.hosts.iter().any(|h| h.fqdn == "srv-dc01.contoso.example")
                }),
            ),
            (
                "upn=lee%40contoso.example".into(),
                expected(&app, |a| {
                    a.accounts.iter().any(|u| u.upn == "lee@contoso.example")
                }),
            ),
            (
                "assigned_to_me=on".into(),
                expected(&app, |a| a.assigned_to.as_deref() == Some(MEGAN)),
            ),
            (
                "severity=medium&status=in_progress".into(),
                expected(&app, |a| {
                    a.severity == AlertSeverity::Medium && a.status == AlertStatus::InProgress
                }),
            ),
        ];
        if legacy {
            cases.push((
                "provider=IPC".into(),
                expected(&app, |a| a.source.legacy_provider == "IPC"),
            ));
            cases.push((
                "category=credentialTheft".into(),
                expected(&app, |a| a.legacy_category == "credentialTheft"),
            ));
        } else {
            cases.push((
                "service_source=microsoft_defender_for_identity".into(),
                expected(&app, |a| {
                    a.source.service_source == ServiceSource::MicrosoftDefenderForIdentity
                }),
            ));
            cases.push((
                "classification=true_positive".into(),
                expected(&app, |a| {
                    a.classification == Some(AlertClassification::TruePositive)
                }),
            ));
            cases.push((
                "determination=malware".into(),
                expected(&app, |a| {
                    a.determination == Some(AlertDetermination::Malware)
                }),
            ));
        }
        let everything = expected(&app, |_| true);
        for (query, want) in cases {
            assert!(
                !want.is_empty() && want.len() < everything.len(),
                "{api:?} {query}: weak case"
            );
            let got = all_ids(&app, &format!("top=20&{query}")).await;
            assert_eq!(got, want, "{api:?} {query}");
        }
    }
}

#[tokio::test]
async fn top_n_gives_n_alerts_or_n_per_provider_on_legacy() {
    let app = signed_in(AlertsApiKind::V2).await;
    let total = alerts(&app).len();
    for n in [1, 5, 10, 20, 50, 100] {
        let (status, html) = app.get_html(&format!("/alerts?top={n}")).await;
        assert_eq!(status, 200);
        assert_eq!(row_ids(&html).len(), n.min(total), "top={n}");
    }
    let app = signed_in(AlertsApiKind::Legacy).await;
    let alerts = alerts(&app);
    for n in [1, 5, 10, 20, 50] {
        let want: usize = SOURCES
            .iter()
            .map(|s| {
                alerts
                    .iter()
                    .filter(|a| std::ptr::eq(a.source, s))
                    .count()
                    .min(n)
            })
            .sum();
        let (_, html) = app.get_html(&format!("/alerts?top={n}")).await;
        assert_eq!(row_ids(&html).len(), want, "legacy top={n}");
    }
}

#[tokio::test]
async fn paging_reaches_the_last_page() {
    for api in APIS {
        let app = signed_in(api).await;
        let all = all_ids(&app, "top=5").await;
        assert_eq!(all, expected(&app, |_| true), "{api:?}");
    }
}

#[tokio::test]
async fn the_page_shows_the_rest_query_and_a_graph_explorer_link() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, html) = app
        .get_html("/alerts?top=10&status=new&severity=high")
        .await;
    let query = text_of(&html, "#rest-query");
    assert!(query.starts_with("GET http://127.0.0.1:"), "{query}");
    assert!(
        query.ends_with(
            "/v1.0/security/alerts_v2?$top=10&$filter=status eq 'new' and severity eq 'high'&$count=true"
        ),
        "{query}"
    );
    let explorer = crate::helpers::select_attr(&html, "#graph-explorer", "href").unwrap();
    assert!(explorer.starts_with(
        "https://developer.microsoft.com/en-us/graph/graph-explorer?request=security%2Falerts_v2"
    ));
}

#[tokio::test]
async fn quotes_and_markup_round_trip_safely() {
    for api in APIS {
        let app = signed_in(api).await;
        let want = expected(&app, |a| {
            a.accounts
                .iter()
                .any(|u| u.upn == "o'brien@contoso.example")
        });
        let got = all_ids(&app, "top=20&upn=o%27brien%40contoso.example").await;
        assert_eq!(got, want, "{api:?}");
        assert!(
            received_filters(&app)
                .iter()
                .any(|f| f.contains("eq 'o''brien@contoso.example')")),
            "{api:?}: {:?}",
            received_filters(&app)
        );

        let (status, html) = app
            .get_html("/alerts?fqdn=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            .await;
        assert_eq!(status, 200);
        assert!(!html.contains("<script>alert(1)</script>"), "{api:?}");
        assert_eq!(
            crate::helpers::select_attr(&html, "#fqdn", "value").as_deref(),
            Some("<script>alert(1)</script>")
        );
        assert!(html.contains("No matching alerts"));

        let marked = alerts(&app)
            .into_iter()
            .find(|a| a.title.contains("<script>"))
            .unwrap();
        let (status, html) = app.get_html(&format!("/alerts/{}", marked.id)).await;
        assert_eq!(status, 200);
        assert!(!html.contains("<script>alert('x')</script>"));
        assert_eq!(text_of(&html, "#alert-title"), marked.title);
    }
}

#[tokio::test]
async fn legacy_filter_form_offers_the_providers_the_tenant_returns() {
    let app = signed_in(AlertsApiKind::Legacy).await;
    let (_, html) = app.get_html("/alerts").await;
    for source in SOURCES.iter() {
        assert!(
            html.contains(&format!("<option value=\"{}\"", source.legacy_provider)),
            "{}",
            source.legacy_provider
        );
    }
    let calls = |app: &crate::helpers::TestApp| {
        app.sandbox
            .state()
            .requests()
            .iter()
            .filter(|r| {
                r.path_and_query.contains("%24top=1&") || r.path_and_query.ends_with("%24top=1")
            })
            .count()
    };
    let before = calls(&app);
    app.get_html("/alerts").await;
    assert_eq!(
        calls(&app),
        before,
        "providers are learned once per session"
    );
}

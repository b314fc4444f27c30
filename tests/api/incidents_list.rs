//! The incidents list: every filter Graph supports narrows it as the data says, and pages carry
//! "1–20 of N" from `$count`.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::seed::IncidentRecord;
use scraper::{Html, Selector};

use crate::alerts_support::*;
use crate::helpers::{TestApp, select_attr};

fn shown(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#incidents-table tr[data-incident-id]").unwrap();
    let mut ids: Vec<String> = doc
        .select(&rows)
        .filter_map(|r| r.value().attr("data-incident-id").map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// Which seeded incidents a filter should keep.
type Keep = Box<dyn Fn(&IncidentRecord) -> bool>;

fn seeded(app: &TestApp, keep: impl Fn(&IncidentRecord) -> bool) -> Vec<String> {
    let mut ids: Vec<String> = app
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.incidents
                .iter()
                .filter(|i| keep(i))
                .map(|i| i.id.clone())
                .collect()
        });
    ids.sort();
    ids
}

#[tokio::test]
async fn each_incident_filter_narrows_the_list_as_the_data_says() {
    let app = signed_in(AlertsApiKind::V2).await;
    let cases: Vec<(&str, Keep)> = vec![
        ("severity=high", Box::new(|i| i.severity.name() == "high")),
        (
            "classification=true_positive",
            Box::new(|i| i.classification.is_some_and(|c| c.name() == "truePositive")),
        ),
        (
            "determination=not_malicious",
            Box::new(|i| i.determination.is_some_and(|d| d.name() == "notMalicious")),
        ),
        (
            "assigned_to_me=on",
            Box::new(|i| i.assigned_to.as_deref() == Some("megan@contoso.example")),
        ),
        (
            "status=in_progress&created_since=30d",
            Box::new(|i| i.status.name() == "inProgress"),
        ),
    ];
    for (query, keep) in cases {
        let want = seeded(&app, keep);
        assert!(!want.is_empty(), "{query}: the seed has matches");
        let (status, html) = app.get_html(&format!("/incidents?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(shown(&html), want, "{query}");
    }
    let filters: Vec<String> = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/v1.0/security/incidents")
        .map(|r| r.path_and_query.clone())
        .collect();
    assert!(
        filters
            .iter()
            .any(|f| f.contains("assignedTo+eq+%27megan%40contoso.example%27")),
        "{filters:?}"
    );
    assert!(
        filters.iter().any(|f| f.contains("createdDateTime+ge+")),
        "{filters:?}"
    );
    let (status, html) = app.get_html("/incidents?updated_since=1y").await;
    assert_eq!(status, 400);
    assert!(text_of(&html, "#filter-problem").contains("Updated since must be one of"));
}

#[tokio::test]
async fn pages_say_which_incidents_they_show_of_how_many() {
    let app = signed_in(AlertsApiKind::V2).await;
    let total = seeded(&app, |_| true).len();
    assert!(total > 10);
    let (_, first) = app.get_html("/incidents").await;
    assert_eq!(
        text_of(&first, "#incidents-range"),
        format!("1–{} of {total}", total.min(20))
    );
    let (_, later) = app.get_html("/incidents?skip=10").await;
    assert_eq!(
        text_of(&later, "#incidents-range"),
        format!("11–{total} of {total}")
    );
    assert_eq!(shown(&later).len(), total - 10);
    assert_eq!(
        select_attr(&later, "#previous-page", "href").as_deref(),
        Some("/incidents")
    );
    assert!(select_attr(&later, "#next-page", "href").is_none());
}

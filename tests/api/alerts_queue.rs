//! Working a queue: several values per filter as one OData `or` group, a time range, sorting the
//! shown page, "1–20 of N" from `$count`, pages by number, and "Subscribe to this view".

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{AlertSeverity, AlertStatus};
use time::{Duration, OffsetDateTime};

use crate::alerts_support::*;
use crate::helpers::{GRAPH_PAGE, select_attr};

fn severity_rank(label: &str) -> u8 {
    match label {
        "High" => 0,
        "Medium" => 1,
        "Low" => 2,
        "Informational" => 3,
        _ => 4,
    }
}

#[tokio::test]
async fn several_statuses_become_one_or_group_and_narrow_the_list() {
    let app = signed_in(AlertsApiKind::V2).await;
    let got = all_ids(&app, "top=100&status=new&status=in_progress&severity=high").await;
    let want = expected(&app, |a| {
        matches!(a.status, AlertStatus::New | AlertStatus::InProgress)
            && a.severity == AlertSeverity::High
    });
    assert_eq!(got, want);
    assert!(!want.is_empty());
    let filter = received_filters(&app).pop().unwrap();
    assert_eq!(
        filter,
        "severity eq 'high' and (status eq 'new' or status eq 'inProgress')"
    );
    let (_, html) = app.get_html("/alerts?status=new&status=in_progress").await;
    assert!(select_attr(&html, "#status-new", "checked").is_some());
    assert!(select_attr(&html, "#status-in_progress", "checked").is_some());
    assert!(select_attr(&html, "#status-resolved", "checked").is_none());
}

#[tokio::test]
async fn a_time_range_narrows_by_creation_time() {
    for api in APIS {
        let app = signed_in(api).await;
        let since = OffsetDateTime::now_utc() - Duration::hours(24);
        let got = all_ids(&app, "top=100&created=24h").await;
        // An alert created right at the boundary may fall either side of it.
        let want = expected(&app, |a| a.created >= since + Duration::minutes(1));
        let at_most = expected(&app, |a| a.created >= since - Duration::minutes(1));
        assert!(
            got.windows(2).all(|w| w[0] != w[1]),
            "a row listed twice: {got:?}"
        );
        let within = |small: &[String], big: &[String]| small.iter().all(|id| big.contains(id));
        assert!(within(&want, &got) && within(&got, &at_most), "{api:?}");
        assert!(!got.is_empty() && got.len() < alerts(&app).len(), "{api:?}");
        let filter = received_filters(&app).pop().unwrap();
        assert!(filter.starts_with("createdDateTime ge 20"), "{filter}");

        let day = (OffsetDateTime::now_utc() - Duration::days(2)).date();
        let query = format!("top=100&created_from={day}&created_to={day}");
        let got = all_ids(&app, &query).await;
        let want = expected(&app, |a| a.created.date() == day);
        assert_eq!(got, want, "{api:?} {day}");
    }
    let app = signed_in(AlertsApiKind::V2).await;
    let (status, html) = app
        .get_html("/alerts?created_from=2026-11-05&created_to=2026-11-01")
        .await;
    assert_eq!(status, 400);
    assert!(page_text(&html).contains("must not be after"));
}

#[tokio::test]
async fn sorting_orders_the_shown_page_and_says_so() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, plain) = app.get_html("/alerts?top=20").await;
    for key in ["severity", "status", "created", "updated"] {
        assert!(
            select_attr(
                &plain,
                &format!("#alerts-table th a[data-sort='{key}']"),
                "href"
            )
            .is_some(),
            "a {key} sort link"
        );
    }
    let href = select_attr(&plain, "a[data-sort='severity']", "href").unwrap();
    let (status, html) = app.get_html(&href).await;
    assert_eq!(status, 200);
    let mut ids = row_ids(&html);
    let mut plain_ids = row_ids(&plain);
    let doc = scraper::Html::parse_document(&html);
    let badges = scraper::Selector::parse("#alerts-table .cell-severity .badge").unwrap();
    let ranks: Vec<u8> = doc
        .select(&badges)
        .map(|b| severity_rank(&b.text().collect::<String>()))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    ids.sort();
    plain_ids.sort();
    assert_eq!(ids, plain_ids, "the same page, reordered");
    assert!(text_of(&html, "#sort-note").contains("within this page"));
    // The header link now reverses.
    let again = select_attr(&html, "a[data-sort='severity']", "href").unwrap();
    assert!(again.contains("sort=-severity"), "{again}");
    let (status, html) = app.get_html("/alerts?sort=title").await;
    assert_eq!(status, 400);
    assert!(page_text(&html).contains("Sort by severity, status, created or updated"));
}

#[tokio::test]
async fn the_count_and_page_numbers_come_from_count_and_skip() {
    let app = signed_in(AlertsApiKind::V2).await;
    let total = alerts(&app).len();
    assert!(total > 20, "the sandbox has more than one page");
    let (_, html) = app.get_html("/alerts?top=20").await;
    assert_eq!(text_of(&html, "#result-count"), format!("1–20 of {total}"));
    assert!(select_attr(&html, "#prev-page", "href").is_none());
    let next = next_href(&html).unwrap();
    assert!(next.ends_with("page=2"), "{next}");
    let before = app.sandbox.state().requests().len();
    let (_, second) = app.get_html(&next).await;
    let shown = (total - 20).min(20);
    assert_eq!(
        text_of(&second, "#result-count"),
        format!("21–{} of {total}", 20 + shown)
    );
    assert_eq!(
        select_attr(&second, "#prev-page", "href").as_deref(),
        Some("/alerts?top=20")
    );
    // Page 2 asks for the alerts after the 20 shown, then follows Graph's next links until it
    // holds 20: one call per Graph page of GRAPH_PAGE alerts.
    let reads: Vec<_> = app.sandbox.state().requests()[before..]
        .iter()
        .filter(|r| r.path() == "/v1.0/security/alerts_v2")
        .cloned()
        .collect();
    let first = &reads[0].path_and_query;
    assert!(first.contains("%24skip=20"), "{first}");
    assert!(first.contains("%24count=true"), "{first}");
    assert_eq!(reads.len(), shown.div_ceil(GRAPH_PAGE), "{reads:#?}");
    let mut first_ids = row_ids(&html);
    first_ids.extend(row_ids(&second));
    first_ids.sort();
    first_ids.dedup();
    assert_eq!(first_ids.len(), 20 + shown, "no alert on both pages");
}

#[tokio::test]
async fn subscribe_to_this_view_fills_the_subscription_form() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, html) = app
        .get_html("/alerts?severity=high&status=new&status=in_progress&service_source=microsoft_defender_for_endpoint")
        .await;
    let href = select_attr(&html, "#subscribe-view", "href").unwrap();
    assert!(href.starts_with("/subscriptions?"), "{href}");
    assert!(href.contains("severity=high"));
    assert!(
        !href.contains("status="),
        "several statuses are not one subscription"
    );
    let (status, form) = app.get_html(&href).await;
    assert_eq!(status, 200);
    assert_eq!(
        select_attr(&form, "select[name=severity] option[selected]", "value").as_deref(),
        Some("high")
    );
    assert_eq!(
        select_attr(
            &form,
            "select[name=service_source] option[selected]",
            "value"
        )
        .as_deref(),
        Some("microsoft_defender_for_endpoint")
    );
}

#[tokio::test]
async fn exports_take_several_values_too() {
    let app = signed_in(AlertsApiKind::V2).await;
    let response = app
        .get("/alerts/export.json?severity=high&severity=medium")
        .await;
    assert_eq!(response.status(), 200);
    let body: Vec<serde_json::Value> = response.json().await.unwrap();
    let want = expected(&app, |a| {
        matches!(a.severity, AlertSeverity::High | AlertSeverity::Medium)
    });
    assert_eq!(body.len(), want.len());
}

#[tokio::test]
async fn subscriptions_are_described_in_words_with_the_raw_filter_collapsed() {
    let app = signed_in(AlertsApiKind::V2).await;
    let response = app
        .post_form("/subscriptions", &[("severity", "high"), ("status", "new")])
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = app.get_html("/subscriptions").await;
    assert_eq!(
        text_of(&html, "#subscriptions-table .subscription-summary"),
        "Severity: High · Status: New"
    );
    assert!(text_of(&html, "#subscriptions-table details code").contains("severity eq 'high'"));
    assert!(select_attr(&html, "#subscriptions-table details", "open").is_none());
}

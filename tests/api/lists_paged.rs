//! The lists as they read Graph live (the mirror off), against a sandbox that pages like Graph:
//! pages of `GRAPH_PAGE` items whatever `$top` asks, each with a next link. Walking every page
//! shows each item exactly once, in Graph's order; "Show N" shows N when there are that many.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::SandboxOptions;
use scraper::{Html, Selector};

use crate::alerts_support::*;
use crate::helpers::{GRAPH_PAGE, TestApp, sandbox_options, select_attr, spawn_app_with, unpaged};

/// Row ids of a page, in the order shown.
fn incident_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#incidents-table tr[data-incident-id]").unwrap();
    doc.select(&rows)
        .filter_map(|r| r.value().attr("data-incident-id").map(str::to_string))
        .collect()
}

/// Every page of a list from `path` on, following `#next-page`: the rows of each, in order.
async fn walk(app: &TestApp, path: &str, rows: fn(&str) -> Vec<String>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut path = path.to_string();
    for _ in 0..50 {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 200, "{path}: {html}");
        pages.push(rows(&html));
        match select_attr(&html, "#next-page", "href") {
            Some(next) => path = next,
            None => return pages,
        }
    }
    panic!("more than 50 pages from {path}");
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn every_page_of_the_live_alert_list_follows_on_from_the_last_alert_shown() {
    for api in APIS {
        let app = signed_in(api).await;
        let want = expected(&app, |_| true);
        for top in [5, 20, 50] {
            let pages = walk(&app, &format!("/alerts?top={top}"), row_ids).await;
            let shown: Vec<String> = pages.concat();
            assert_eq!(
                sorted(shown.clone()),
                want,
                "{api:?} top={top}: each alert once"
            );
            if api == AlertsApiKind::V2 {
                // Graph's order, page after page, as one page of all of them shows it.
                let (_, all) = app.get_html("/alerts?top=100").await;
                assert_eq!(shown, row_ids(&all), "top={top}");
                let (full, last) = pages.split_at(pages.len() - 1);
                assert!(full.iter().all(|p| p.len() == top), "top={top}");
                assert!(!last[0].is_empty() && last[0].len() <= top, "top={top}");
            }
        }
    }
}

#[tokio::test]
async fn show_n_shows_n_alerts_when_there_are_that_many() {
    let app = signed_in(AlertsApiKind::V2).await;
    let total = alerts(&app).len();
    assert!(total > 20 && total < 100, "{total} alerts");
    for top in [1, 5, 10, 20, 50, 100] {
        let (status, html) = app.get_html(&format!("/alerts?top={top}")).await;
        assert_eq!(status, 200);
        let shown = top.min(total);
        assert_eq!(row_ids(&html).len(), shown, "Show {top}");
        assert_eq!(
            text_of(&html, "#result-count"),
            format!("1–{shown} of {total}"),
            "Show {top}"
        );
    }
}

#[tokio::test]
async fn every_page_of_the_live_incident_list_follows_on_from_the_last_incident_shown() {
    // Five alerts to an incident: 20 more incidents than the seed's 15, so the list has pages.
    let options = SandboxOptions {
        extra_alerts: 100,
        ..sandbox_options()
    };
    let app = spawn_app_with(options, |_| {}).await;
    app.sign_in().await;
    let mut want: Vec<String> = app
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.incidents.iter().map(|i| i.id.clone()).collect()
        });
    want.sort();
    let total = want.len();
    assert!(total > 20 && total < 40, "{total} incidents");

    let pages = walk(&app, "/incidents", incident_ids).await;
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(
        pages[0].len(),
        20,
        "a page of 20 from pages of {GRAPH_PAGE}"
    );
    assert_eq!(sorted(pages.concat()), want, "each incident once");

    let (_, first) = app.get_html("/incidents").await;
    assert_eq!(
        text_of(&first, "#incidents-range"),
        format!("1–20 of {total}")
    );
    let next = select_attr(&first, "#next-page", "href").unwrap();
    let (_, second) = app.get_html(&next).await;
    assert_eq!(
        text_of(&second, "#incidents-range"),
        format!("21–{total} of {total}")
    );
    assert_eq!(
        select_attr(&second, "#previous-page", "href").as_deref(),
        Some("/incidents")
    );
}

/// The Graph calls one page of `/alerts?top=20` makes.
async fn calls_for_a_page_of_twenty(app: &TestApp) -> usize {
    let before = app.sandbox.state().requests().len();
    let (status, html) = app.get_html("/alerts?top=20").await;
    assert_eq!(status, 200);
    assert_eq!(row_ids(&html).len(), 20);
    app.sandbox.state().requests()[before..]
        .iter()
        .filter(|r| r.path() == "/v1.0/security/alerts_v2")
        .count()
}

#[tokio::test]
async fn a_page_costs_one_graph_call_for_each_page_graph_answers_with() {
    let paged = signed_in(AlertsApiKind::V2).await;
    assert_eq!(
        calls_for_a_page_of_twenty(&paged).await,
        20usize.div_ceil(GRAPH_PAGE)
    );
    // Graph answering with whole pages: one call.
    let whole = spawn_app_with(unpaged(), |_| {}).await;
    whole.sign_in().await;
    assert_eq!(calls_for_a_page_of_twenty(&whole).await, 1);
}

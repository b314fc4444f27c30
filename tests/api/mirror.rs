//! The mirror through the running app: lists sorted over every page, walked without a gap or a
//! repeat while Graph pages server-side, searched, counted exactly, changed at once by a write,
//! and kept by a sync that waits out throttling.

use std::collections::{BTreeSet, HashSet};

use graphsec_sandbox::{Fault, SandboxOptions};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::helpers::{TestApp, select_text, spawn_app_with, wait_after_429};
use crate::mirror_support::{
    CONTOSO, alert_ids, link, spawn_mirrored, spawn_mirrored_with, wait_until_mirrored,
};

fn severity_ranks(html: &str) -> Vec<u8> {
    let doc = Html::parse_document(html);
    let badges = Selector::parse("#alerts-table tbody tr .cell-severity .badge").unwrap();
    doc.select(&badges)
        .map(|b| match b.text().collect::<String>().trim() {
            "High" => 4,
            "Medium" => 3,
            "Low" => 2,
            "Informational" => 1,
            _ => 0,
        })
        .collect()
}

/// Every page of `first`, following "Next"; the ids of each page.
async fn walk(app: &TestApp, first: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(path) = next {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        pages.push(alert_ids(&html));
        next = link(&html, "next-page");
        assert!(pages.len() < 100, "the walk does not end");
    }
    pages
}

async fn export_ids(app: &TestApp, query: &str) -> Vec<String> {
    let response = app.get(&format!("/alerts/export.json?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let alerts: Vec<Value> = response.json().await.unwrap();
    alerts
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_severity_sort_puts_no_alert_of_page_two_above_the_last_of_page_one() {
    sorts_across_pages(&spawn_mirrored().await).await;
}

/// Also run on PostgreSQL (`mirror_postgres.rs`).
pub async fn sorts_across_pages(app: &TestApp) {
    let (status, first) = app.get_html("/alerts?top=10&sort=severity").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        select_text(&first, "#sort-note")
            .unwrap()
            .contains("across every page")
    );
    assert!(
        select_text(&first, "#rest-query")
            .unwrap()
            .contains("No Graph call")
    );
    let (_, second) = app
        .get_html(&link(&first, "next-page").expect("a second page"))
        .await;
    let one = severity_ranks(&first);
    let two = severity_ranks(&second);
    assert_eq!((one.len(), two.len()), (10, 10));
    assert!(
        two.iter().all(|r| r <= one.last().unwrap()),
        "page 1 {one:?}, page 2 {two:?}"
    );
    assert!(one.windows(2).all(|w| w[0] >= w[1]), "{one:?}");
    assert_eq!(
        select_text(&second, "#result-count").unwrap(),
        "11–20 of 44"
    );
}

#[tokio::test]
async fn every_page_of_the_list_and_the_export_shows_each_alert_exactly_once() {
    walks_each_alert_once(&spawn_mirrored().await).await;
}

/// Also run on PostgreSQL (`mirror_postgres.rs`).
pub async fn walks_each_alert_once(app: &TestApp) {
    for (sort, top) in [("", 5), ("-updated", 20), ("status", 10)] {
        let pages = walk(app, &format!("/alerts?top={top}&sort={sort}")).await;
        let all: Vec<String> = pages.concat();
        let distinct: HashSet<&String> = all.iter().collect();
        assert_eq!(all.len(), 44, "sort {sort:?}: {} rows", all.len());
        assert_eq!(distinct.len(), 44, "sort {sort:?}: a repeat");
        assert!(pages[..pages.len() - 1].iter().all(|p| p.len() == top));
    }
    // Back from the last page retraces the walk.
    let forward = walk(app, "/alerts?top=20").await;
    let (_, last) = app
        .get_html(&format!(
            "/alerts?top=20&after={}",
            link(&app.get_html("/alerts?top=20").await.1, "next-page")
                .unwrap()
                .rsplit("after=")
                .next()
                .unwrap()
        ))
        .await;
    assert_eq!(alert_ids(&last), forward[1]);
    let (_, back) = app.get_html(&link(&last, "prev-page").unwrap()).await;
    assert_eq!(alert_ids(&back), forward[0]);
    assert_eq!(select_text(&back, "#result-count").unwrap(), "1–20 of 44");

    let exported = export_ids(app, "sort=severity").await;
    assert_eq!(exported.len(), 44);
    assert_eq!(exported.iter().collect::<HashSet<_>>().len(), 44);
    let csv = app
        .get("/alerts/export.csv?severity=high")
        .await
        .text()
        .await
        .unwrap();
    let (_, high) = app.get_html("/alerts?severity=high&top=100").await;
    assert_eq!(csv.lines().count() - 1, alert_ids(&high).len());
}

/// The alerts whose JSON holds `text`, without case: the oracle the search is held to.
fn holding(alerts: &[Value], text: &str) -> BTreeSet<String> {
    let text = text.to_lowercase();
    alerts
        .iter()
        .filter(|a| a.to_string().to_lowercase().contains(&text))
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

fn evidence_value(alerts: &[Value], pointer: &str) -> String {
    alerts
        .iter()
        .flat_map(|a| a["evidence"].as_array().cloned().unwrap_or_default())
        .find_map(|e| {
            e.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no evidence has {pointer}"))
}

#[tokio::test]
async fn the_search_finds_alerts_by_part_of_a_host_a_user_an_ip_and_a_file_hash() {
    searches_hosts_users_ips_and_hashes(&spawn_mirrored().await).await;
}

/// Also run on PostgreSQL (`mirror_postgres.rs`).
pub async fn searches_hosts_users_ips_and_hashes(app: &TestApp) {
    let alerts: Vec<Value> = app.get("/alerts/export.json").await.json().await.unwrap();
    let hash = evidence_value(&alerts, "/fileDetails/sha256");
    let ip = evidence_value(&alerts, "/ipAddress");
    let searches = [
        ("q", "PC-MEG".to_string(), "pc-meg"),
        ("q", "adele".to_string(), "adele"),
        ("q", ip.clone(), ip.as_str()),
        ("q", hash[40..].to_string(), &hash[40..]),
        ("fqdn", "pc-megan".to_string(), "pc-megan"),
    ];
    for (field, typed, oracle) in searches {
        let path = format!(
            "/alerts?top=100&{field}={}",
            crate::helpers::urlencode(&typed)
        );
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        let found: BTreeSet<String> = alert_ids(&html).into_iter().collect();
        let expected = holding(&alerts, oracle);
        assert!(!expected.is_empty(), "{oracle} is in no alert");
        assert_eq!(found, expected, "{field}={typed}");
    }
    let (status, html) = app.get_html("/alerts?q=ab").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        select_text(&html, "#form-errors")
            .unwrap()
            .contains("at least 3 characters")
    );
    // Host and user filters are answered by the mirror: no evidence filter reaches Graph.
    assert!(
        app.sandbox
            .state()
            .requests()
            .iter()
            .all(|r| !r.path_and_query.contains("evidence")),
        "an evidence filter was sent to Graph"
    );
}

#[tokio::test]
async fn an_update_shows_in_the_list_at_once_without_waiting_for_the_sync() {
    let app =
        spawn_mirrored_with(SandboxOptions::default(), |s| s.sync.interval_secs = 3_600).await;
    shows_an_update_at_once(&app).await;
}

/// Also run on PostgreSQL (`mirror_postgres.rs`), with a sync that waits an hour.
pub async fn shows_an_update_at_once(app: &TestApp) {
    let (_, new_alerts) = app.get_html("/alerts?status=new&top=100").await;
    let id = alert_ids(&new_alerts)
        .first()
        .cloned()
        .expect("a new alert");
    let response = app
        .post_form(
            "/alerts/update",
            &[("alert_id", &id), ("status", "resolved"), ("comment", "")],
        )
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let (_, resolved) = app.get_html("/alerts?status=resolved&top=100").await;
    assert!(
        alert_ids(&resolved).contains(&id),
        "the update is not in the list"
    );
    let (_, still_new) = app.get_html("/alerts?status=new&top=100").await;
    assert!(!alert_ids(&still_new).contains(&id));
}

#[tokio::test]
async fn a_429_during_the_backfill_is_waited_out() {
    // No tenant at start: the sync begins when Megan opens the Sync page, after the fault is
    // queued, so the sync's first read is the one throttled.
    let app = spawn_app_with(
        SandboxOptions {
            page_size: Some(7),
            ..SandboxOptions::default()
        },
        |s| {
            s.sync.enabled = true;
            s.sync.interval_secs = 1;
            s.sync.tenants = Vec::new();
        },
    )
    .await;
    app.sign_in().await;
    app.sandbox.state().faults().push(
        "/v1.0/security/alerts_v2",
        Fault::TooManyRequests {
            retry_after_secs: 1.0,
        },
    );
    wait_until_mirrored(&app).await;
    let (wait, retry_after) = wait_after_429(&app.sandbox, "/v1.0/security/alerts_v2");
    assert!(wait.as_secs_f64() >= retry_after, "retried after {wait:?}");
    let (_, html) = app.get_html("/alerts?top=100").await;
    assert_eq!(alert_ids(&html).len(), 44);
    assert!(
        select_text(&html, "#mirror-freshness")
            .unwrap()
            .contains("synced")
    );
    let (_, sync) = app.get_html("/sync").await;
    assert!(sync.contains(CONTOSO));
}

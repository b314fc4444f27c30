//! Bulk changes on the alert list, on both alert APIs: per-item results, failures beside
//! successes, throttling waited out, every write sent once and audited.

use axum::http::Method;
use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::AlertStatus;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::alerts_support::{APIS, alerts, contoso, signed_in};
use crate::audit::{all_audit_rows, executed_writes};
use crate::helpers::{TestApp, location, select_text};

/// Adds `n` new, unassigned alerts (copies of a seeded one) and returns their ids.
fn add_alerts(app: &TestApp, n: usize) -> Vec<String> {
    let model = alerts(app)
        .into_iter()
        .find(|a| a.status == AlertStatus::New)
        .expect("a new alert to copy");
    let state = app.sandbox.state();
    let store = state.security();
    (0..n)
        .map(|i| {
            let mut alert = model.clone();
            alert.id = format!("bulk-{i:03}");
            alert.assigned_to = None;
            store.insert_alert(contoso(), alert.clone());
            alert.id
        })
        .collect()
}

/// Posts the bulk form and follows it to the result page.
async fn bulk(app: &TestApp, ids: &[String], change: &[(&str, &str)]) -> String {
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
    fields.extend_from_slice(change);
    let response = app.post_form("/alerts/bulk", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.get_html(&location(&response)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html
}

/// `(id, result, message)` per row of `#bulk-result`.
fn results(html: &str) -> Vec<(String, String, String)> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#bulk-result tbody tr").unwrap();
    let message = Selector::parse(".bulk-message").unwrap();
    doc.select(&rows)
        .map(|row| {
            let attr = |name| row.value().attr(name).unwrap_or_default().to_string();
            let text = row
                .select(&message)
                .next()
                .map(|m| m.text().collect::<String>())
                .unwrap_or_default();
            (attr("data-item-id"), attr("data-result"), text)
        })
        .collect()
}

fn status_of(app: &TestApp, id: &str) -> AlertStatus {
    app.sandbox
        .state()
        .security()
        .alert(contoso(), id)
        .unwrap()
        .status
}

#[tokio::test]
async fn fifty_alerts_with_three_failing_show_47_changed_and_3_failed_with_graphs_message() {
    for api in APIS {
        let app = signed_in(api).await;
        let ids = add_alerts(&app, 50);
        let state = app.sandbox.state();
        let faults = state.faults();
        for (id, status) in [
            (&ids[3], axum::http::StatusCode::NOT_FOUND),
            (&ids[20], axum::http::StatusCode::BAD_REQUEST),
            (&ids[41], axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        ] {
            faults.fail_id(id, Some(Method::PATCH), status);
        }
        let html = bulk(&app, &ids, &[("status", "resolved")]).await;
        let rows = results(&html);
        assert_eq!(rows.len(), 50, "{api:?}");
        let failed: Vec<&(String, String, String)> =
            rows.iter().filter(|r| r.1 == "Failed").collect();
        let changed = rows.iter().filter(|r| r.1 == "Changed").count();
        assert_eq!((changed, failed.len()), (47, 3), "{api:?}: {rows:?}");
        let failed_ids: Vec<&str> = failed.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(failed_ids, [&ids[3], &ids[20], &ids[41]]);
        assert!(
            failed[0]
                .2
                .contains("The requested resource was not found.")
        );
        assert!(failed[1].2.contains("not valid"));
        assert!(failed[2].2.contains("internal server error"));
        let summary = select_text(&html, "#bulk-summary").unwrap();
        assert!(
            summary.contains("47 changed, 0 unchanged, 3 failed"),
            "{summary}"
        );
        assert_eq!(status_of(&app, &ids[0]), AlertStatus::Resolved);
        assert_eq!(status_of(&app, &ids[3]), AlertStatus::New);

        let audit = all_audit_rows(&app, "").await;
        assert_eq!(
            audit.len(),
            executed_writes(&app) + 1,
            "one per write and the run"
        );
        let run = &audit[0];
        assert!(run[2].contains("bulk run on alerts"), "{run:?}");
        assert!(run[5].contains("3 of 50 items failed"));
        assert_eq!(all_audit_rows(&app, "outcome=failed").await.len(), 4);
    }
}

#[tokio::test]
async fn two_hundred_alerts_finish_with_throttling_waited_out_and_each_write_sent_once() {
    for api in APIS {
        let app = signed_in(api).await;
        let ids = add_alerts(&app, 200);
        let html = bulk(
            &app,
            &ids,
            &[("status", "in_progress"), ("assign_to_me", "on")],
        )
        .await;
        let rows = results(&html);
        assert_eq!(rows.len(), 200);
        assert!(rows.iter().all(|r| r.1 == "Changed"), "{api:?}: {rows:?}");
        let log = app.sandbox.state().requests();
        let throttled = log.iter().filter(|r| r.status == Some(429)).count();
        assert!(throttled > 0, "{api:?}: the run met Graph's rate limit");
        let mut patched: Vec<&str> = log
            .iter()
            .filter(|r| r.method == "PATCH" && r.status == Some(200))
            .map(|r| r.path())
            .collect();
        patched.sort();
        let before = patched.len();
        patched.dedup();
        assert_eq!(
            (before, patched.len()),
            (200, 200),
            "each alert written once"
        );
        assert!(
            ids.iter()
                .all(|id| status_of(&app, id) == AlertStatus::InProgress)
        );
        let audit = all_audit_rows(&app, "").await;
        assert_eq!(audit.len(), executed_writes(&app) + 1);
    }
}

#[tokio::test]
async fn alerts_that_already_have_the_change_are_unchanged_and_not_written() {
    let app = signed_in(AlertsApiKind::V2).await;
    let ids = add_alerts(&app, 2);
    let html = bulk(&app, &ids[..1], &[("status", "resolved")]).await;
    assert_eq!(results(&html)[0].1, "Changed");
    let writes = executed_writes(&app);
    let html = bulk(&app, &ids, &[("status", "resolved")]).await;
    let rows = results(&html);
    assert_eq!(rows[0].1, "Unchanged");
    assert_eq!(rows[1].1, "Changed");
    assert_eq!(executed_writes(&app), writes + 1);
}

#[tokio::test]
async fn a_comment_reaches_every_selected_alert() {
    let app = signed_in(AlertsApiKind::V2).await;
    let ids = add_alerts(&app, 3);
    let html = bulk(&app, &ids, &[("comment", "Same campaign as INC-42")]).await;
    assert!(results(&html).iter().all(|r| r.1 == "Changed"));
    for id in &ids {
        let alert = app.sandbox.state().security().alert(contoso(), id).unwrap();
        assert_eq!(
            alert.comments.last().unwrap().text,
            "Same campaign as INC-42"
        );
    }
    let audit = all_audit_rows(&app, "").await;
    assert_eq!(
        audit
            .iter()
            .filter(|r| r[2].starts_with("alert comment"))
            .count(),
        3
    );
}

#[tokio::test]
async fn a_bulk_form_without_a_selection_or_a_change_is_refused_with_both_reasons() {
    let app = signed_in(AlertsApiKind::V2).await;
    let response = app.post_form("/alerts/bulk", &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    let problems = select_text(&html, "#bulk-problems").unwrap();
    assert!(problems.contains("Select at least one alert"), "{problems}");
    assert!(
        problems.contains("Choose something to change"),
        "{problems}"
    );
    assert_eq!(executed_writes(&app), 0);
}

#[tokio::test]
async fn the_alert_list_offers_a_checkbox_per_row_inside_the_bulk_form() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, html) = app.get_html("/alerts").await;
    let doc = Html::parse_document(&html);
    let boxes = Selector::parse("#alerts-table tr[data-alert-id] input[name=ids]").unwrap();
    let rows = Selector::parse("#alerts-table tr[data-alert-id]").unwrap();
    let count = doc.select(&boxes).count();
    assert!(count > 0);
    assert_eq!(count, doc.select(&rows).count());
    assert!(
        doc.select(&boxes)
            .all(|b| b.value().attr("form") == Some("bulk-form"))
    );
    assert!(html.contains("id=\"bulk-form\""));
    assert!(html.contains("/static/bulk.js"));
}

/// CPU time this test process has used so far (the app and the sandbox run in it).
fn cpu_used() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in clock ticks of 1/100 s.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<u64> = after_name
        .split(' ')
        .skip(11)
        .take(2)
        .map(|f| f.parse().unwrap())
        .collect();
    std::time::Duration::from_millis((fields[0] + fields[1]) * 10)
}

/// The problems a refused bulk form lists.
fn bulk_problems(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let items = Selector::parse("#bulk-problems li").unwrap();
    doc.select(&items).map(|li| li.text().collect()).collect()
}

#[tokio::test]
async fn more_than_500_selected_are_refused_before_any_is_looked_at() {
    let app = signed_in(AlertsApiKind::V2).await;
    let token = app.csrf_token().await;
    let post = |ids: Vec<String>| {
        let mut body: Vec<(&str, String)> = ids.into_iter().map(|id| ("ids", id)).collect();
        body.push(("status", "resolved".into()));
        body.push(("csrf_token", token.clone()));
        app.client.post(app.url("/alerts/bulk")).form(&body).send()
    };

    // 29,000 distinct ids (short, so the form stays under the 256 KiB a form may have), a
    // tenth of them not ids at all: one sentence, not one per id.
    let base36 = |mut n: u32| {
        let mut digits = Vec::new();
        loop {
            digits.push(char::from_digit(n % 36, 36).unwrap());
            n /= 36;
            if n == 0 {
                return digits.into_iter().rev().collect::<String>();
            }
        }
    };
    let ids = (0..29_000)
        .map(|i| match i % 10 {
            0 => format!("~{}", base36(i)),
            _ => base36(i),
        })
        .collect();
    let before = cpu_used();
    let response = post(ids).await.unwrap();
    let cpu = cpu_used() - before;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problems = bulk_problems(&response.text().await.unwrap());
    assert_eq!(
        problems,
        ["Select at most 500 alerts at once; 29000 were selected."]
    );
    eprintln!(
        "29,000 selected: {} ms of CPU for the request",
        cpu.as_millis()
    );

    // The cap counts what was sent: 600 copies of one id are refused too.
    let id = alerts(&app)[0].id.clone();
    let response = post(vec![id; 600]).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problems = bulk_problems(&response.text().await.unwrap());
    assert_eq!(
        problems,
        ["Select at most 500 alerts at once; 600 were selected."]
    );
    assert_eq!(executed_writes(&app), 0, "Graph was asked nothing");
}

//! The home page's queue: counts by severity and status, unassigned high-severity alerts and the
//! user's own, each linking to its list, read with `$count` and kept for a minute.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{AlertSeverity, AlertStatus};

use crate::alerts_support::*;
use crate::helpers::{MEGAN, select_attr};

fn open(status: AlertStatus) -> bool {
    matches!(status, AlertStatus::New | AlertStatus::InProgress)
}

#[tokio::test]
async fn home_counts_the_queue_and_links_each_figure_to_its_list() {
    for api in APIS {
        let app = signed_in(api).await;
        let (status, html) = app.get_html("/").await;
        assert_eq!(status, 200);
        let high_new = expected(&app, |a| {
            a.status == AlertStatus::New && a.severity == AlertSeverity::High
        })
        .len();
        let doc = scraper::Html::parse_document(&html);
        let first = scraper::Selector::parse("#queue-counts tbody tr .queue-count").unwrap();
        let cell = doc.select(&first).next().expect("a High / New figure");
        assert_eq!(
            cell.text().collect::<String>(),
            high_new.to_string(),
            "{api:?}"
        );
        let href = cell.value().attr("href").unwrap();
        assert_eq!(
            all_ids(&app, href.trim_start_matches("/alerts?"))
                .await
                .len(),
            high_new
        );

        let unassigned = expected(&app, |a| {
            open(a.status) && a.severity == AlertSeverity::High && a.assigned_to.is_none()
        });
        assert!(
            text_of(&html, "#unassigned-high").starts_with(&unassigned.len().to_string()),
            "{api:?}"
        );
        let href = select_attr(&html, "#unassigned-high", "href").unwrap();
        assert_eq!(
            all_ids(&app, href.trim_start_matches("/alerts?")).await,
            unassigned
        );

        let mine = expected(&app, |a| {
            open(a.status) && a.assigned_to.as_deref() == Some(MEGAN)
        });
        assert!(text_of(&html, "#assigned-to-me").starts_with(&mine.len().to_string()));
    }
}

#[tokio::test]
async fn the_counts_are_reused_for_a_minute() {
    let app = signed_in(AlertsApiKind::V2).await;
    let calls = |app: &crate::helpers::TestApp| {
        app.sandbox
            .state()
            .requests()
            .iter()
            .filter(|r| r.path().starts_with("/v1.0/security/alerts_v2"))
            .count()
    };
    app.get_html("/").await;
    let after_first = calls(&app);
    assert!(after_first >= 10, "one $count call per figure");
    app.get_html("/").await;
    assert_eq!(calls(&app), after_first, "the second visit asks nothing");
}

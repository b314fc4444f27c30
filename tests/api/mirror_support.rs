//! The app with its mirror on, against a sandbox that pages like Graph (pages smaller than
//! `$top`, with next links), and waiting for the mirror to be ready.

use std::time::Duration;

use graphsec_sandbox::SandboxOptions;
use scraper::{Html, Selector};

pub use crate::helpers::GRAPH_PAGE;
use crate::helpers::{TestApp, spawn_app_with};

pub const CONTOSO: &str = "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21";

/// The sandbox paging server-side, the app mirroring Contoso every second, Megan signed in, and
/// the backfill done.
pub async fn spawn_mirrored() -> TestApp {
    spawn_mirrored_with(SandboxOptions::default(), |_| {}).await
}

pub async fn spawn_mirrored_with(
    options: SandboxOptions,
    configure: impl FnOnce(&mut graphsec::config::Settings),
) -> TestApp {
    let options = SandboxOptions {
        page_size: Some(GRAPH_PAGE),
        ..options
    };
    let app = spawn_app_with(options, |s| {
        s.sync.enabled = true;
        s.sync.interval_secs = 1;
        s.sync.tenants = vec![CONTOSO.to_string()];
        configure(s);
    })
    .await;
    app.sign_in().await;
    wait_until_mirrored(&app).await;
    app
}

/// Waits (up to 30 s) until `/sync` shows both backfills done.
pub async fn wait_until_mirrored(app: &TestApp) {
    for _ in 0..300 {
        let (_, html) = app.get_html("/sync").await;
        if backfills_done(&html) == 2 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, html) = app.get_html("/sync").await;
    panic!(
        "the mirror never finished its backfill:\n{}",
        sync_table(&html)
    );
}

fn backfills_done(html: &str) -> usize {
    let doc = Html::parse_document(html);
    let cells = Selector::parse("#sync-table tbody tr td:nth-of-type(3)").unwrap();
    doc.select(&cells)
        .filter(|c| c.text().collect::<String>().trim() == "done")
        .count()
}

pub fn sync_table(html: &str) -> String {
    crate::helpers::select_text(html, "#sync-table").unwrap_or_else(|| html.to_string())
}

/// The alert ids of a list page, in order.
pub fn alert_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#alerts-table tbody tr[data-alert-id]").unwrap();
    doc.select(&rows)
        .map(|r| r.value().attr("data-alert-id").unwrap().to_string())
        .collect()
}

/// The href of the element with `id`, decoded for a request.
pub fn link(html: &str, id: &str) -> Option<String> {
    crate::helpers::select_attr(html, &format!("#{id}"), "href").map(|h| h.replace("&amp;", "&"))
}

//! Every page of the console passes axe-core's WCAG 2.1 A and AA rules, signed out and signed
//! in, on a desktop and a phone, as it loads and again with every collapsible panel open (the
//! alert filters among them) and rows selected for a bulk change; and every page works by
//! keyboard with a focus ring one can see (`focus.rs`). The pages are the routes table's: a
//! new page is checked by being in it.

use graphsec::config::AlertsApiKind;
use graphsec::web::routes::{BROWSER_ROUTES, Get};

use crate::browser::{self, MEGAN, Session};
use crate::sandbox_data;

/// The desktop and the phone the pages are checked at.
const SCREENS: [(u32, u32); 2] = [(1280, 900), (390, 844)];

/// Opens every `<details>` (the alert filter panel among them) and ticks up to two rows for a
/// bulk change; returns whether that changed anything worth checking again.
const EXPAND: &str = r#"
const panels = [...document.querySelectorAll('details:not([open])')];
panels.forEach(d => d.open = true);
const boxes = [...document.querySelectorAll('input.bulk-select')].slice(0, 2);
boxes.forEach(b => b.click());
return panels.length + boxes.length > 0;
"#;

/// Violations on the page as it is, with where they were found.
async fn check(session: &Session, state: &str, problems: &mut Vec<String>) {
    let url = session.current_url().await;
    for violation in session.wcag_violations().await {
        problems.push(format!("{url} ({state}): {violation}"));
    }
}

/// Checks the page as it loads (axe, then the keyboard), then with its panels open and rows
/// selected (axe).
async fn check_both_states(session: &Session, screen: &str, problems: &mut Vec<String>) {
    check(session, screen, problems).await;
    let url = session.current_url().await;
    for problem in session.keyboard_problems().await {
        problems.push(format!("{url} ({screen}, keyboard): {problem}"));
    }
    let expanded = session.client.execute(EXPAND, vec![]).await.unwrap();
    if expanded == serde_json::Value::Bool(true) {
        check(
            session,
            &format!("{screen}, panels open, rows selected"),
            problems,
        )
        .await;
    }
}

fn assert_none(problems: Vec<String>, pages: usize) {
    assert!(pages > 0, "no page was checked");
    assert!(
        problems.is_empty(),
        "{} WCAG 2.1 AA violations on {pages} page views:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A path of the routes table with its parameters filled from the sandbox's data.
fn filled(session: &Session, path: &str) -> String {
    if !path.contains('{') {
        return path.to_string();
    }
    let id = if path.starts_with("/alerts/") {
        sandbox_data::alerts(session).remove(0).id
    } else if path.starts_with("/incidents/") {
        sandbox_data::an_incident_id(session)
    } else {
        panic!("no sandbox data fills the parameters of {path}: teach `filled` where to find it")
    };
    path.replace("{id}", &id)
}

/// Opens a result page the way an analyst reaches it: by sending the form that shows it.
async fn reach_result(session: &Session, path: &str) {
    match path {
        "/alerts/update" => {
            session.goto("/alerts").await;
            session
                .fill("#alert_id", &sandbox_data::a_new_alert(session))
                .await;
            session.choose("#update_status", "in_progress").await;
            session
                .click_and_wait("#manage-form button[type=submit]")
                .await;
            session.element("#updated-alert").await;
        }
        "/alerts/bulk" | "/incidents/bulk" => {
            session.goto(path.trim_end_matches("/bulk")).await;
            for row in session.elements("input.bulk-select").await.iter().take(2) {
                row.click().await.unwrap();
            }
            session.choose("#bulk_status", "in_progress").await;
            session.click_and_wait("#bulk-apply").await;
            let main = session.text("main").await;
            assert!(
                main.contains("selected:"),
                "no bulk result on {path}: {main}"
            );
        }
        "/incidents/{id}/update" => {
            session
                .goto(&filled(session, path).replace("/update", ""))
                .await;
            session
                .fill("#incident_comment", "Checked for accessibility.")
                .await;
            session
                .click_and_wait("#manage-incident-form button[type=submit]")
                .await;
            session.element("#updated-incident").await;
        }
        other => panic!("no form in this test reaches {other}: teach `reach_result` its form"),
    }
}

#[tokio::test]
async fn every_page_passes_wcag_2_1_aa_when_signed_out() {
    let session = browser::start(AlertsApiKind::V2).await;
    let mut problems = Vec::new();
    let mut pages = 0;
    for (width, height) in SCREENS {
        session.set_viewport(width, height).await;
        let screen = format!("{width}×{height}, signed out");
        let paths = BROWSER_ROUTES
            .iter()
            .filter(|r| r.get == Get::Page && !r.path.contains('{'))
            .map(|r| r.path)
            .chain(["/no-such-page"]);
        for path in paths {
            session.goto(path).await;
            // Signed-in pages send the browser to the sign-in page of the tenant, not ours.
            if !session.current_url().await.starts_with(&session.app_url) {
                continue;
            }
            pages += 1;
            check_both_states(&session, &screen, &mut problems).await;
        }
    }
    assert_none(problems, pages);
    session.close().await;
}

#[tokio::test]
async fn every_page_passes_wcag_2_1_aa_when_signed_in() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    // Gives the subscriptions page a row to show.
    session.goto("/subscriptions").await;
    session.subscribe_to_severity("high").await;
    let mut problems = Vec::new();
    let mut pages = 0;
    for (width, height) in SCREENS {
        session.set_viewport(width, height).await;
        let screen = format!("{width}×{height}");
        for route in BROWSER_ROUTES {
            match route.get {
                Get::Page => session.goto(&filled(&session, route.path)).await,
                Get::FormResult => reach_result(&session, route.path).await,
                Get::None | Get::Download | Get::Stream | Get::Redirect => continue,
            }
            pages += 1;
            check_both_states(&session, &screen, &mut problems).await;
        }
        // The error page, with its request id.
        session.goto("/no-such-page").await;
        pages += 1;
        check(&session, &screen, &mut problems).await;
    }
    assert_none(problems, pages);
    session.close().await;
}

#[tokio::test]
async fn the_alert_list_read_live_from_graph_passes_wcag_2_1_aa_with_its_page_numbers() {
    // Without the mirror the list pages by number, and shows the current one.
    let session = browser::start_configured(browser::sandbox_options(), |settings| {
        settings.sync.enabled = false
    })
    .await;
    session.sign_in(MEGAN).await;
    let mut problems = Vec::new();
    for (width, height) in SCREENS {
        session.set_viewport(width, height).await;
        session.goto("/alerts?page=2").await;
        assert_eq!(session.text(".page-number[aria-current=page]").await, "2");
        check_both_states(&session, &format!("{width}×{height}"), &mut problems).await;
    }
    assert_none(problems, SCREENS.len());
    session.close().await;
}

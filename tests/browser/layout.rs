//! The pages at a desktop and a phone width, and by keyboard alone.

use graphsec::config::AlertsApiKind;

use crate::browser::{self, MEGAN};
use crate::sandbox_data;

/// WebDriver's Tab and Enter keys.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The signed-in pages every user reaches from the navigation.
async fn main_pages(session: &browser::Session) -> Vec<String> {
    let id = sandbox_data::alerts(session).remove(0).id;
    let incident = sandbox_data::an_incident_id(session);
    [
        "/",
        "/alerts",
        &format!("/alerts/{id}"),
        "/incidents",
        &format!("/incidents/{incident}"),
        "/subscriptions",
        "/listen",
        "/secure-score",
        "/admin-consent",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect()
}

/// On a desktop, tables show all their columns without scrolling sideways.
async fn assert_tables_fit(session: &browser::Session) {
    let wide = session
        .client
        .execute(
            "return [...document.querySelectorAll('.table-responsive')]
                .filter(t => t.scrollWidth > t.clientWidth)
                .map(t => `${t.firstElementChild.id}: ${t.scrollWidth}px in ${t.clientWidth}px`);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        wide,
        serde_json::json!([]),
        "tables scroll sideways on {}",
        session.current_url().await
    );
}

#[tokio::test]
async fn every_page_fits_a_desktop_and_a_phone_screen() {
    let session = browser::start(AlertsApiKind::V2).await;
    for width in [390, 1280] {
        session.set_viewport_width(width).await;
        session.goto("/").await;
        session.assert_clean_page().await;
    }
    session.sign_in(MEGAN).await;
    for width in [1280, 390] {
        session.set_viewport_width(width).await;
        for path in main_pages(&session).await {
            session.goto(&path).await;
            // assert_clean_page includes "nothing wider than the window".
            session.assert_clean_page().await;
            if width == 1280 {
                assert_tables_fit(&session).await;
            }
        }
    }
    session.close().await;
}

#[tokio::test]
async fn the_keyboard_reaches_the_content_and_the_navigation_on_a_phone() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.set_viewport_width(390).await;
    session.goto("/alerts").await;

    // The first Tab lands on the skip link; Enter follows it.
    let body = session.element("body").await;
    body.send_keys(TAB).await.unwrap();
    let focused = session.client.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Skip to content");
    focused.send_keys(ENTER).await.unwrap();
    assert!(session.current_url().await.ends_with("/alerts#main"));

    // On a phone the navigation sits behind the menu button, which opens from the keyboard.
    let alerts_link = session.element("#main-nav a[href='/alerts']").await;
    assert!(!alerts_link.is_displayed().await.unwrap());
    let toggler = session.element(".navbar-toggler").await;
    toggler.send_keys(ENTER).await.unwrap();
    crate::actions::wait_until("the menu to open", || async {
        alerts_link.is_displayed().await.unwrap_or(false)
    })
    .await;
    assert_eq!(
        session
            .attr(".navbar-toggler", "aria-expanded")
            .await
            .as_deref(),
        Some("true")
    );
    session.assert_clean_page().await;
    session.close().await;
}

//! The alert list as an analyst works it: most of a 20-row page on the first screen of a laptop,
//! one line per alert with nothing broken mid-word, and compact cards on a phone.

use graphsec::config::AlertsApiKind;
use serde_json::Value;

use crate::browser::{self, MEGAN};

/// Rows of the alert table whose bottom edge is inside the first screen.
const ROWS_ON_FIRST_SCREEN: &str = r#"
return [...document.querySelectorAll('#alerts-table tr[data-alert-id]')]
  .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length;
"#;

/// Cells with a text that takes more than one line (a wrapped or broken word).
const WRAPPED_CELLS: &str = r#"
const out = [];
for (const td of document.querySelectorAll('#alerts-table tbody td')) {
  const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = [...range.getClientRects()].map(r => r.top);
    if (tops.length && Math.max(...tops) - Math.min(...tops) > 2) {
      out.push(td.className + ': ' + td.textContent.trim());
    }
  }
}
return out;
"#;

/// Cells cut short that do not carry their full value on hover.
const CUT_WITHOUT_TITLE: &str = r#"
return [...document.querySelectorAll('#alerts-table tbody td')]
  .filter(td => td.scrollWidth > td.clientWidth + 1 && !td.title)
  .map(td => td.className + ': ' + td.textContent.trim());
"#;

#[tokio::test]
async fn a_laptop_screen_shows_most_of_a_page_one_line_per_alert() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.set_viewport(1280, 900).await;
    session.goto("/alerts?top=20").await;
    session.assert_clean_page().await;
    assert_eq!(session.alert_row_ids().await.len(), 20);
    let visible = session
        .client
        .execute(ROWS_ON_FIRST_SCREEN, vec![])
        .await
        .unwrap();
    assert!(
        visible.as_u64().unwrap() >= 15,
        "{visible} of 20 rows on the first screen"
    );
    for width in [1280, 1920] {
        session.set_viewport(width, 900).await;
        session.goto("/alerts?top=20").await;
        let wrapped = session.client.execute(WRAPPED_CELLS, vec![]).await.unwrap();
        assert_eq!(
            wrapped,
            Value::Array(vec![]),
            "cells on two lines at {width}"
        );
        let cut = session
            .client
            .execute(CUT_WITHOUT_TITLE, vec![])
            .await
            .unwrap();
        assert_eq!(
            cut,
            Value::Array(vec![]),
            "cut cells without a title at {width}"
        );
    }
    session.set_viewport(1280, 900).await;
    session.goto("/alerts?top=20").await;
    session.screenshot("alerts").await;
    session.close().await;
}

#[tokio::test]
async fn the_page_size_is_remembered_for_the_session() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/alerts?top=50").await;
    session.goto("/alerts").await;
    assert_eq!(
        session
            .attr("#top option[selected]", "value")
            .await
            .as_deref(),
        Some("50")
    );
    session.close().await;
}

#[tokio::test]
async fn a_phone_shows_cards_and_the_first_alert_on_the_first_screen() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.set_viewport(390, 844).await;
    session.goto("/alerts?top=20").await;
    session.assert_clean_page().await;
    let first_visible = session
        .client
        .execute(
            "const r = document.querySelector('#alerts-table tr[data-alert-id]').getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        first_visible,
        Value::Bool(true),
        "first card on the first screen"
    );
    let shown = session
        .client
        .execute(
            "const r = document.querySelector('#alerts-table tr[data-alert-id]');
             return [...r.children].filter(td => td.offsetParent !== null).map(td => td.className);",
            vec![],
        )
        .await
        .unwrap();
    // A card keeps its bulk-selection box, so alerts can be selected on a phone too.
    assert_eq!(
        shown,
        serde_json::json!([
            "cell-select",
            "cell-severity",
            "cell-title",
            "cell-status",
            "cell-created"
        ])
    );
    session.screenshot("alerts-phone").await;
    // The filters sit behind one button.
    assert!(
        !session
            .element("#status")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    session.click("#filters-toggle").await;
    assert!(
        session
            .element("#status")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    session.close().await;
}

//! What a screen reader and a keyboard user get from the alert list: on a phone the header row
//! stays (select-all, sort links, column names), sort links read as words, and a row shows its
//! full title and exact times while it holds keyboard focus, as a tooltip does on hover.

use fantoccini::wd::WebDriverCompatibleCommand;
use graphsec::config::AlertsApiKind;
use serde_json::Value;

use crate::actions::wait_until;
use crate::browser::{self, MEGAN, Session};

/// WebDriver's "computed role" and "computed label": what the browser's accessibility tree
/// says an element is and what it is called.
#[derive(Debug)]
struct Computed {
    element: String,
    what: &'static str,
}

impl WebDriverCompatibleCommand for Computed {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/element/{}/{}",
            session.unwrap_or_default(),
            self.element,
            self.what
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

impl Session {
    async fn computed(&self, css: &str, what: &'static str) -> String {
        let element = self.element(css).await.element_id().to_string();
        let answer = self
            .client
            .issue_cmd(Computed { element, what })
            .await
            .unwrap_or_else(|e| panic!("{what} of {css}: {e}"));
        answer.as_str().unwrap_or_default().to_string()
    }

    async fn displayed(&self, css: &str) -> bool {
        self.element(css).await.is_displayed().await.unwrap()
    }
}

#[tokio::test]
async fn the_phone_alert_list_keeps_select_all_sort_links_and_column_names() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.set_viewport(390, 844).await;
    session.goto("/alerts").await;
    for css in [
        "#select-all",
        "a[data-sort=severity]",
        "a[data-sort=created]",
    ] {
        assert!(
            session.displayed(css).await,
            "{css} is not shown on a phone"
        );
    }
    // What the accessibility tree says: a table with its column names, the sort glyph drawn
    // but not read.
    let expected = [
        ("th.col-title", "computedrole", "columnheader"),
        ("th.col-title", "computedlabel", "Title"),
        ("td.cell-title", "computedrole", "cell"),
        ("td.cell-severity", "computedrole", "cell"),
        ("a[data-sort=severity]", "computedlabel", "Severity"),
    ];
    for (css, what, value) in expected {
        assert_eq!(session.computed(css, what).await, value, "{what} of {css}");
    }
    let rows = session
        .elements("#alerts-table input.bulk-select")
        .await
        .len();
    session.click("#select-all").await;
    assert_eq!(
        session.text("#bulk-count").await,
        format!("{rows} selected")
    );
    session.close().await;
}

/// The row holding a cut title: its id, and whether its title and exact time show in full.
const LONGEST_ROW: &str = r#"
const cells = [...document.querySelectorAll('#alerts-table td.cell-title')];
const cut = cells.filter(td => td.scrollWidth > td.clientWidth + 1);
return cut.length ? cut[0].closest('tr').dataset.alertId : null;
"#;

const ROW_SHOWS: &str = r#"
const row = document.querySelector(`tr[data-alert-id="${arguments[0]}"]`);
const title = row.querySelector('td.cell-title');
const exact = row.querySelector('td.cell-created .on-row-focus').getBoundingClientRect();
return { focused: row.contains(document.activeElement),
         title_whole: title.scrollWidth <= title.clientWidth + 1,
         exact_time_shown: exact.width > 1 && exact.height > 1 };
"#;

#[tokio::test]
async fn a_row_shows_its_full_title_and_exact_time_while_it_holds_keyboard_focus() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.set_viewport(1280, 900).await;
    session.goto("/alerts?top=20").await;
    let id = session.client.execute(LONGEST_ROW, vec![]).await.unwrap();
    assert_ne!(
        id,
        Value::Null,
        "no title is cut at 1280 px: nothing to show"
    );
    let shows = || async {
        session
            .client
            .execute(ROW_SHOWS, vec![id.clone()])
            .await
            .unwrap()
    };
    let before = shows().await;
    assert_eq!(before["title_whole"], Value::Bool(false));
    assert_eq!(before["exact_time_shown"], Value::Bool(false));
    // Tab until the row holds focus, as a keyboard user would.
    wait_until("the keyboard to reach the row", || async {
        session.press_tab().await;
        shows().await["focused"] == Value::Bool(true)
    })
    .await;
    let focused = shows().await;
    assert_eq!(focused["title_whole"], Value::Bool(true), "{focused}");
    assert_eq!(focused["exact_time_shown"], Value::Bool(true), "{focused}");
    session.close().await;
}

//! What a user does on a page: fill fields, pick options, follow links and submit forms, each
//! waiting for the browser to finish instead of sleeping.

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::elements::Element;

use crate::browser::Session;

/// Generous: CI runs these on a small shared machine.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Polls `ready` until it holds, or panics after `PATIENCE` saying what was awaited.
pub async fn wait_until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + PATIENCE;
    while !ready().await {
        assert!(
            Instant::now() < deadline,
            "gave up after {PATIENCE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[allow(dead_code)] // not every browser test uses every action
impl Session {
    pub async fn element(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.current_url().await),
        }
    }

    pub async fn elements(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.element(css).await.attr(name).await.unwrap()
    }

    /// Replaces the text of an input.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.element(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Picks the option with this value in a select.
    pub async fn choose(&self, css: &str, value: &str) {
        self.element(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css} has no option {value:?}: {e}"));
    }

    /// Clicks something that loads a new page (a link or a submit button) and waits until the
    /// new page has replaced the old one and finished loading.
    pub async fn click_and_wait(&self, css: &str) {
        self.mark_page().await;
        self.click(css).await;
        self.wait_for_new_page(css).await;
    }

    /// On the subscriptions page: subscribes to alerts of this severity and waits for the row.
    pub async fn subscribe_to_severity(&self, severity: &str) {
        self.choose("#f-severity", severity).await;
        self.click_and_wait("#subscribe-form button[type=submit]")
            .await;
        self.element("#subscriptions-table tr[data-subscription-id]")
            .await;
    }

    /// Reloads the page and waits for the fresh copy.
    pub async fn reload(&self) {
        self.mark_page().await;
        self.client.refresh().await.unwrap();
        self.wait_for_new_page("a reload").await;
    }

    /// Tags the current document so a later check can tell it was replaced.
    pub async fn mark_page(&self) {
        self.client
            .execute("document.documentElement.dataset.old = 'yes';", vec![])
            .await
            .unwrap();
    }

    pub async fn wait_for_new_page(&self, after: &str) {
        wait_until(&format!("a new page after {after}"), || async {
            let state = self
                .client
                .execute(
                    "return document.readyState === 'complete' && !document.documentElement.dataset.old;",
                    vec![],
                )
                .await;
            matches!(state, Ok(serde_json::Value::Bool(true)))
        })
        .await;
    }

    /// Whether the document marked by `mark_page` is still the one shown.
    pub async fn is_marked(&self) -> bool {
        let marked = self
            .client
            .execute(
                "return document.documentElement.dataset.old === 'yes';",
                vec![],
            )
            .await
            .unwrap();
        marked == serde_json::Value::Bool(true)
    }

    /// Waits until the element's attribute has this value.
    pub async fn wait_for_attr(&self, css: &str, name: &str, value: &str) {
        wait_until(&format!("{css} to have {name}={value:?}"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.attr(name).await.ok().flatten().as_deref() == Some(value),
                Err(_) => false,
            }
        })
        .await;
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return last;
                }
            }
            assert!(
                Instant::now() < deadline,
                "gave up after {PATIENCE:?} waiting for {css} to contain {needle:?}; it reads {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `data-alert-id` of every row of the alerts table (empty when there is none).
    pub async fn alert_row_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for row in self.elements("#alerts-table tr[data-alert-id]").await {
            ids.push(row.attr("data-alert-id").await.unwrap().unwrap_or_default());
        }
        ids
    }
}

//! axe-core in the page: the WCAG 2.0 and 2.1 A and AA rules, run on what the browser shows now.
//! The script is injected by WebDriver (the page's CSP does not apply to it) and never served
//! by the app.

use serde_json::Value;

use crate::browser::Session;

/// axe-core, vendored from npm for these tests (`vendor/README.md` says which version).
const AXE: &str = include_str!("vendor/axe.min.js");

/// The rule sets a page must pass.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

/// Runs axe on the page and returns one line per failing element: rule, target, summary.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: TAGS }, resultTypes: ['violations'] })
  .then(result => done(result.violations.flatMap(v => v.nodes.map(n =>
    `${v.id} (${v.help}) at ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`))))
  .catch(error => done([`axe could not run: ${error}`]));
"#;

impl Session {
    /// The WCAG 2.1 AA violations axe finds on the page as it is now.
    pub async fn wcag_violations(&self) -> Vec<String> {
        let script = format!(
            "if (!window.axe) {{ {AXE}\n }}\n{}",
            RUN.replace("TAGS", TAGS)
        );
        let url = self.current_url().await;
        let found = self
            .client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("axe did not run on {url}: {e}"));
        match found {
            Value::Array(lines) => lines
                .into_iter()
                .map(|l| l.as_str().unwrap_or_default().to_string())
                .collect(),
            other => panic!("axe answered {other}"),
        }
    }
}

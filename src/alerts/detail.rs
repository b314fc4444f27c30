//! Everything the alert page shows, read from either API's JSON.

use serde_json::Value;

use super::facts::AlertFacts;
use super::row::{AlertRow, Shape, text};

/// An analyst comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentView {
    pub text: String,
    pub by: String,
    pub at: String,
}

/// A labelled link out of the app (portal pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub label: &'static str,
    pub href: String,
}

/// The alert page's model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertDetail {
    pub row: AlertRow,
    pub description: String,
    pub last_updated: String,
    /// v2 classification + determination, or legacy feedback.
    pub verdict: Vec<(&'static str, String)>,
    pub hosts: Vec<String>,
    pub users: Vec<String>,
    pub comments: Vec<CommentView>,
    pub links: Vec<LinkView>,
    /// What the page leads with.
    pub facts: AlertFacts,
    /// The whole alert, pretty-printed.
    pub json: String,
}

impl AlertDetail {
    pub fn from_json(shape: Shape, alert: &Value) -> Self {
        let list = |pointer: &str| -> Vec<&Value> {
            alert
                .pointer(pointer)
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default()
        };
        let (hosts, users, comments, links, verdict, last_updated) = match shape {
            Shape::V2 => {
                let evidence = list("/evidence");
                let of_type = |kind: &str, pointer: &str| -> Vec<String> {
                    evidence
                        .iter()
                        .filter(|e| text(e, "/@odata.type").trim_start_matches('#') == kind)
                        .map(|e| text(e, pointer))
                        .filter(|s| !s.is_empty())
                        .collect()
                };
                let comments = list("/comments")
                    .into_iter()
                    .map(|c| CommentView {
                        text: text(c, "/comment"),
                        by: text(c, "/createdByDisplayName"),
                        at: text(c, "/createdDateTime"),
                    })
                    .collect();
                let links = [
                    ("Alert in the Defender portal", "/alertWebUrl"),
                    ("Incident in the Defender portal", "/incidentWebUrl"),
                ]
                .into_iter()
                .filter_map(|(label, p)| web_link(label, &text(alert, p)))
                .collect();
                let verdict = vec![
                    ("Classification", text(alert, "/classification")),
                    ("Determination", text(alert, "/determination")),
                ];
                (
                    of_type("microsoft.graph.security.deviceEvidence", "/deviceDnsName"),
                    of_type(
                        "microsoft.graph.security.userEvidence",
                        "/userAccount/userPrincipalName",
                    ),
                    comments,
                    links,
                    verdict,
                    text(alert, "/lastUpdateDateTime"),
                )
            }
            Shape::Legacy => {
                let pick = |pointer: &str, field: &str| -> Vec<String> {
                    list(pointer)
                        .into_iter()
                        .map(|s| text(s, field))
                        .filter(|s| !s.is_empty())
                        .collect()
                };
                let comments = list("/comments")
                    .into_iter()
                    .filter_map(Value::as_str)
                    .map(|c| CommentView {
                        text: c.to_string(),
                        by: String::new(),
                        at: String::new(),
                    })
                    .collect();
                let links = list("/sourceMaterials")
                    .into_iter()
                    .filter_map(Value::as_str)
                    .filter_map(|href| web_link("Source material", href))
                    .collect();
                (
                    pick("/hostStates", "/fqdn"),
                    pick("/userStates", "/userPrincipalName"),
                    comments,
                    links,
                    vec![("Feedback", text(alert, "/feedback"))],
                    text(alert, "/lastModifiedDateTime"),
                )
            }
        };
        Self {
            row: AlertRow::from_json(shape, alert),
            description: text(alert, "/description"),
            last_updated,
            verdict,
            hosts,
            users,
            comments,
            links,
            facts: AlertFacts::from_json(shape, alert),
            json: serde_json::to_string_pretty(alert).unwrap_or_default(),
        }
    }
}

/// Only http(s) links become anchors; anything else (e.g. `javascript:`) is dropped.
fn web_link(label: &'static str, href: &str) -> Option<LinkView> {
    let url = url::Url::parse(href).ok()?;
    matches!(url.scheme(), "https" | "http").then(|| LinkView {
        label,
        href: url.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_links_are_dropped() {
        assert!(web_link("x", "javascript:alert(1)").is_none());
        assert!(web_link("x", "not a url").is_none());
        assert!(web_link("x", "https://security.microsoft.com/a").is_some());
    }
}

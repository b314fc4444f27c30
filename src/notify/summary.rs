//! What a notification says about its alert: the fields an analyst triages by, read once
//! when the alert was read, and what changed since the previous state seen. Stored with the
//! notification as JSON (API values, not words: `words.rs` turns them into text when shown).

mod words;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use words::SummaryView;

/// The alert fields kept with a notification, as Graph sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertFields {
    pub title: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    pub assigned_to: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
}

/// One field that changed: its API name and both values (`None` when unset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A notification's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub alert: AlertFields,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Graph refused the read of the alert: the page says so beside the id.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
    /// Who made the change, when it was made through graphsec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl AlertFields {
    /// The kept fields of an alert as Graph returned it (either API's shape).
    pub fn of(alert: &Value) -> Self {
        let text = |name: &str| {
            alert
                .get(name)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            // An incident names itself in `displayName`.
            title: text("title").or_else(|| text("displayName")),
            severity: text("severity"),
            status: text("status"),
            assigned_to: text("assignedTo"),
            classification: text("classification"),
            determination: text("determination"),
        }
    }

    /// The fields, in the order an analyst reads a change, by API name.
    fn named(&self) -> [(&'static str, &Option<String>); 6] {
        [
            ("status", &self.status),
            ("assignedTo", &self.assigned_to),
            ("classification", &self.classification),
            ("determination", &self.determination),
            ("severity", &self.severity),
            ("title", &self.title),
        ]
    }
}

impl Summary {
    /// The alert as it is now, with what changed since `previous` (nothing listed when there
    /// is no previous state to compare with).
    pub fn between(previous: Option<&AlertFields>, alert: AlertFields) -> Self {
        let changes = previous.map_or_else(Vec::new, |before| {
            before
                .named()
                .into_iter()
                .zip(alert.named())
                .filter(|((_, from), (_, to))| from != to)
                .map(|((field, from), (_, to))| Change {
                    field: field.to_owned(),
                    from: from.clone(),
                    to: to.clone(),
                })
                .collect()
        });
        Self {
            alert,
            changes,
            unreadable: false,
            by: None,
        }
    }

    /// The summary of an alert Graph would not let us read.
    pub fn unreadable() -> Self {
        Self {
            unreadable: true,
            ..Self::default()
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The summary stored as `raw`; `None` for anything this app did not write.
    pub fn from_json(raw: &str) -> Option<Self> {
        serde_json::from_str(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_fields_that_differ_are_changes_and_no_previous_state_lists_none() {
        let before = AlertFields::of(&json!({"title": "T", "status": "new", "severity": "high"}));
        let now = AlertFields::of(&json!({
            "title": "T", "status": "inProgress", "severity": "high",
            "assignedTo": "megan@contoso.com"
        }));
        let summary = Summary::between(Some(&before), now.clone());
        let fields: Vec<_> = summary.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["status", "assignedTo"]);
        assert_eq!(summary.changes[0].from.as_deref(), Some("new"));
        assert_eq!(summary.changes[1].from, None);
        assert!(Summary::between(None, now).changes.is_empty());
        assert_eq!(Summary::from_json(&summary.to_json()), Some(summary));
        assert_eq!(Summary::from_json("not json"), None);
    }
}

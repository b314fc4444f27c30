//! A summary in words for the notify page and its live stream: labels for API values
//! (`label_of`), the severity's badge class, one line per change. Unknown values are shown as
//! they came; the template and `static/notify.js` escape every value (set as text).

use serde::Serialize;

use super::{Change, Summary};
use crate::alerts::{labels::label_of, row::severity_class};

/// What the page shows for one notification's alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryView {
    pub title: String,
    pub severity: String,
    pub severity_class: &'static str,
    pub status: String,
    /// "status New → In progress", one per changed field.
    pub changes: Vec<String>,
    /// The alert could not be read: only its id is known.
    pub unreadable: bool,
    /// "by Megan Bowen" when the change was made through graphsec, else empty.
    pub by: String,
}

impl From<&Summary> for SummaryView {
    fn from(summary: &Summary) -> Self {
        let alert = &summary.alert;
        let severity = alert.severity.as_deref().unwrap_or_default();
        Self {
            title: alert.title.clone().unwrap_or_default(),
            severity: label_of(severity),
            severity_class: severity_class(severity),
            status: label_of(alert.status.as_deref().unwrap_or_default()),
            changes: summary.changes.iter().map(line).collect(),
            unreadable: summary.unreadable,
            by: summary
                .by
                .as_deref()
                .map(|who| format!("by {who}"))
                .unwrap_or_default(),
        }
    }
}

/// The change as a line: the field in words, the old value (when there was one), the new.
fn line(change: &Change) -> String {
    let field = match change.field.as_str() {
        "assignedTo" => "assigned to",
        other => other,
    };
    let value = |v: &Option<String>| match (change.field.as_str(), v) {
        (_, None) => "none".to_owned(),
        ("assignedTo" | "title", Some(v)) => v.clone(),
        (_, Some(v)) => label_of(v),
    };
    match &change.from {
        Some(_) => format!("{field} {} → {}", value(&change.from), value(&change.to)),
        None => format!("{field} → {}", value(&change.to)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::notify::summary::AlertFields;

    #[test]
    fn values_become_labels_and_changes_lines() {
        let before = AlertFields::of(&json!({"status": "new", "severity": "high"}));
        let now = AlertFields::of(&json!({
            "title": "<b>x</b>", "status": "inProgress", "severity": "high",
            "assignedTo": "megan@contoso.com", "classification": "truePositive"
        }));
        let view = SummaryView::from(&Summary::between(Some(&before), now));
        assert_eq!(view.title, "<b>x</b>");
        assert_eq!(view.severity, "High");
        assert_eq!(view.severity_class, "severity severity-high");
        assert_eq!(view.status, "In progress");
        assert_eq!(
            view.changes,
            [
                "status New → In progress",
                "assigned to → megan@contoso.com",
                "classification → True positive",
                "title → <b>x</b>",
            ]
        );
    }
}

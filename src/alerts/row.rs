//! The neutral alert model pages use, read from either API's JSON.

use serde::Serialize;
use serde_json::Value;

/// Which alert API a JSON document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    V2,
    Legacy,
}

/// One table row: the same fields whichever API is behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AlertRow {
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: String,
    pub status: String,
    /// Legacy provider or v2 service source.
    pub source: String,
    pub assigned_to: String,
    pub created: String,
    /// `lastUpdateDateTime` (v2) or `lastModifiedDateTime` (legacy); not exported.
    pub updated: String,
}

/// The CSV header matching [`AlertRow::cells`].
pub const CSV_HEADER: [&str; 8] = [
    "id",
    "title",
    "category",
    "severity",
    "status",
    "source",
    "assigned_to",
    "created",
];

pub(crate) fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

impl AlertRow {
    pub fn from_json(shape: Shape, alert: &Value) -> Self {
        let (source, updated) = match shape {
            Shape::V2 => (
                text(alert, "/serviceSource"),
                text(alert, "/lastUpdateDateTime"),
            ),
            Shape::Legacy => (
                text(alert, "/vendorInformation/provider"),
                text(alert, "/lastModifiedDateTime"),
            ),
        };
        Self {
            id: text(alert, "/id"),
            title: text(alert, "/title"),
            category: text(alert, "/category"),
            severity: text(alert, "/severity"),
            status: text(alert, "/status"),
            source,
            assigned_to: text(alert, "/assignedTo"),
            created: text(alert, "/createdDateTime"),
            updated,
        }
    }

    /// The row's cells in [`CSV_HEADER`] order.
    pub fn cells(&self) -> [&str; 8] {
        [
            &self.id,
            &self.title,
            &self.category,
            &self.severity,
            &self.status,
            &self.source,
            &self.assigned_to,
            &self.created,
        ]
    }

    /// The severity's class: one colour per level, the same on every page (`static/app.css`).
    pub fn severity_class(&self) -> &'static str {
        severity_class(&self.severity)
    }

    pub fn severity_label(&self) -> String {
        super::labels::label_of(&self.severity)
    }

    pub fn status_label(&self) -> String {
        super::labels::label_of(&self.status)
    }

    pub fn source_label(&self) -> String {
        super::labels::label_of(&self.source)
    }

    pub fn category_label(&self) -> String {
        super::labels::words_of(&self.category)
    }

    /// The id shortened for a narrow cell: its first and last characters around an ellipsis.
    pub fn short_id(&self) -> String {
        const KEEP: usize = 6;
        let chars: Vec<char> = self.id.chars().collect();
        if chars.len() <= 2 * KEEP + 1 {
            return self.id.clone();
        }
        let head: String = chars[..KEEP].iter().collect();
        let tail: String = chars[chars.len() - KEEP..].iter().collect();
        format!("{head}…{tail}")
    }
}

/// The class of a severity badge, for any severity value (alerts and incidents alike).
pub fn severity_class(severity: &str) -> &'static str {
    match severity.to_ascii_lowercase().as_str() {
        "high" => "severity severity-high",
        "medium" => "severity severity-medium",
        "low" => "severity severity-low",
        "informational" => "severity severity-informational",
        _ => "severity severity-unknown",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn both_shapes_give_the_same_fields() {
        let v2 = json!({"id": "a1", "title": "T", "category": "Execution", "severity": "high",
            "status": "new", "serviceSource": "microsoftDefenderForEndpoint", "assignedTo": null,
            "createdDateTime": "2026-11-24T08:00:00Z"});
        let row = AlertRow::from_json(Shape::V2, &v2);
        assert_eq!(row.source, "microsoftDefenderForEndpoint");
        assert_eq!(row.assigned_to, "");
        let legacy = json!({"id": "a1", "status": "newAlert",
            "vendorInformation": {"provider": "IPC"}});
        let row = AlertRow::from_json(Shape::Legacy, &legacy);
        assert_eq!(
            (row.source.as_str(), row.status.as_str()),
            ("IPC", "newAlert")
        );
        assert_eq!(row.title, "");
    }

    #[test]
    fn long_ids_are_shortened_and_short_ones_kept() {
        let row = AlertRow {
            id: "da637551227677560813_-961444813".into(),
            ..AlertRow::default()
        };
        assert_eq!(row.short_id(), "da6375…444813");
        let short = AlertRow {
            id: "a1".into(),
            ..AlertRow::default()
        };
        assert_eq!(short.short_id(), "a1");
    }

    #[test]
    fn every_severity_has_its_own_class() {
        let classes: std::collections::BTreeSet<&str> =
            ["high", "medium", "low", "informational", "unknown"]
                .into_iter()
                .map(severity_class)
                .collect();
        assert_eq!(classes.len(), 5);
    }
}

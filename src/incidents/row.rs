//! One incident as the pages show it, read from Graph's JSON.

use serde_json::Value;

use crate::alerts::row::text;

/// One comment on an incident.
#[derive(Debug, Clone, Default)]
pub struct CommentRow {
    pub text: String,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentRow {
    pub id: String,
    pub display_name: String,
    pub severity: String,
    pub status: String,
    pub assigned_to: String,
    pub classification: String,
    pub determination: String,
    pub tags: Vec<String>,
    pub comments: Vec<CommentRow>,
    pub created: String,
    pub last_update: String,
    pub web_url: String,
    /// The incident it was merged into, when redirected.
    pub redirect_to: String,
}

impl IncidentRow {
    pub fn from_json(value: &Value) -> Self {
        let web_url = text(value, "/incidentWebUrl");
        let list = |pointer: &str| -> Vec<&Value> {
            value
                .pointer(pointer)
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default()
        };
        Self {
            id: text(value, "/id"),
            display_name: text(value, "/displayName"),
            severity: text(value, "/severity"),
            status: text(value, "/status"),
            assigned_to: text(value, "/assignedTo"),
            classification: text(value, "/classification"),
            determination: text(value, "/determination"),
            tags: list("/customTags")
                .into_iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            comments: list("/comments")
                .into_iter()
                .map(|c| CommentRow {
                    text: text(c, "/comment"),
                    by: text(c, "/createdByDisplayName"),
                    at: text(c, "/createdDateTime"),
                })
                .collect(),
            created: text(value, "/createdDateTime"),
            last_update: text(value, "/lastUpdateDateTime"),
            web_url: if web_url.starts_with("https://") {
                web_url
            } else {
                String::new()
            },
            redirect_to: text(value, "/redirectIncidentId"),
        }
    }

    /// The tags as the form edits them: one comma-separated list.
    pub fn tag_list(&self) -> String {
        self.tags.join(", ")
    }
}

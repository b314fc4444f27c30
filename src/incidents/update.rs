//! The manage-incident form (`POST /incidents/{id}/update`): validation against the incident as
//! it is, and the `PATCH` body it becomes (only what changed), plus an optional comment.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::fields;
use super::tags::{self, TagChange};
use crate::alerts::row::text;
use crate::alerts::update::{UpdateError, assign_to_me_asked, comment_asked, verdict_asked};

/// The longest assignee accepted (a UPN or mail address).
pub const MAX_ASSIGNEE_LEN: usize = 256;

/// Raw form fields. Selects come filled with the incident's current values, the tag list with
/// its current tags and the assignee with its current one, so unchanged fields send nothing.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IncidentForm {
    pub status: Option<String>,
    pub assigned_to: Option<String>,
    pub assign_to_me: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub tags: Option<String>,
    pub comment: Option<String>,
}

/// A validated change: the `PATCH` body (empty when only a comment is added) and the comment.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentUpdate {
    pub patch: Map<String, Value>,
    pub comment: Option<String>,
    pub tags: TagChange,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl IncidentForm {
    /// The change this form asks of `original` (the incident as Graph last sent it); `me` is
    /// the signed-in user's UPN.
    pub fn validate(&self, me: &str, original: &Value) -> Result<IncidentUpdate, UpdateError> {
        let mut problems = Vec::new();
        let mut patch = Map::new();

        match fields::status(self.status.as_deref(), &text(original, "/status")) {
            Ok(Some(status)) => {
                patch.insert("status".into(), json!(status.as_str()));
            }
            Ok(None) => {}
            Err(message) => problems.push(("status", message)),
        }

        match self.assignee(me) {
            Ok(assignee) if assignee.as_deref().unwrap_or("") != text(original, "/assignedTo") => {
                patch.insert("assignedTo".into(), json!(assignee));
            }
            Ok(_) => {}
            Err(message) => problems.push(("assigned_to", message)),
        }

        self.verdict(original, &mut patch, &mut problems);

        let before = strings(original, "/customTags");
        let tag_change = match tags::parse(self.tags.as_deref().unwrap_or_default()) {
            Ok(after) => {
                let change = tags::diff(&before, &after);
                if !change.is_empty() {
                    patch.insert("customTags".into(), json!(after));
                }
                change
            }
            Err(message) => {
                problems.push(("tags", message));
                TagChange::default()
            }
        };

        let comment = comment_asked(&self.comment, &mut problems);
        if problems.is_empty() && patch.is_empty() && comment.is_none() {
            problems.push((
                "form",
                "Nothing to change: the form matches the incident as it is, and there is no \
                 comment."
                    .to_string(),
            ));
        }
        if !problems.is_empty() {
            return Err(UpdateError { problems });
        }
        Ok(IncidentUpdate {
            patch,
            comment,
            tags: tag_change,
        })
    }

    /// The assignee asked for: me, a typed UPN, or nobody (an empty field).
    fn assignee(&self, me: &str) -> Result<Option<String>, String> {
        let mut refused = Vec::new();
        if assign_to_me_asked(&self.assign_to_me, &mut refused) {
            return Ok(Some(me.to_string()));
        }
        if let Some((_, message)) = refused.pop() {
            return Err(message);
        }
        let Some(upn) = filled(&self.assigned_to) else {
            return Ok(None);
        };
        let looks_like_upn = upn.len() <= MAX_ASSIGNEE_LEN
            && !upn.chars().any(|c| c.is_whitespace() || c.is_control())
            && upn
                .split_once('@')
                .is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.'));
        if looks_like_upn {
            Ok(Some(upn.to_string()))
        } else {
            Err(format!(
                "\"{}\" is not a user principal name such as megan@contoso.com.",
                upn.chars().take(64).collect::<String>()
            ))
        }
    }

    /// Classification and determination, sent together whenever either changes, and only in a
    /// pair Microsoft documents.
    fn verdict(
        &self,
        original: &Value,
        patch: &mut Map<String, Value>,
        problems: &mut Vec<(&'static str, String)>,
    ) {
        let before = problems.len();
        let (classification, determination) =
            verdict_asked(&self.classification, &self.determination, problems);
        if problems.len() > before {
            return;
        }
        match fields::verdict_for(classification, determination, original) {
            Ok(Some((classification, determination))) => {
                patch.insert("classification".into(), json!(classification.as_str()));
                patch.insert("determination".into(), json!(determination.as_str()));
            }
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
}

fn strings(value: &Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;

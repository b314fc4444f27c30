//! The manage-alert form (`POST /alerts/update`): validation, and the REST bodies it becomes.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::filter::{
    AlertStatus, Classification, Determination, LegacyFeedback, LegacyStatus, UnknownValue,
};
use super::id::validate_alert_id;
use super::verdict;

/// The longest comment accepted.
pub const MAX_COMMENT_LEN: usize = 4000;

/// Everything wrong with an update form: one readable message per problem, each naming the
/// form field it belongs beside (`alert_id`, `status`, `classification`, …, or `form`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.messages().join(" "))]
pub struct UpdateError {
    pub problems: Vec<(&'static str, String)>,
}

impl UpdateError {
    pub fn messages(&self) -> Vec<&str> {
        self.problems.iter().map(|(_, m)| m.as_str()).collect()
    }

    /// Whether `field` has a problem (for `is-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| *f == field)
    }

    /// The messages for one field.
    pub fn for_field(&self, field: &str) -> Vec<&str> {
        self.problems
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

/// Raw form fields; empty values mean "leave as is".
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct UpdateForm {
    pub alert_id: Option<String>,
    pub status: Option<String>,
    pub feedback: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub comment: Option<String>,
    pub assign_to_me: Option<String>,
}

/// What to change, per API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    V2 {
        status: Option<AlertStatus>,
        classification: Option<Classification>,
        determination: Option<Determination>,
    },
    Legacy {
        status: Option<LegacyStatus>,
        feedback: Option<LegacyFeedback>,
    },
}

/// A validated update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUpdate {
    pub id: String,
    pub change: Change,
    /// The signed-in user's UPN when "assign to me" is ticked.
    pub assign_to: Option<String>,
    pub comment: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl UpdateForm {
    pub fn validate_v2(&self, me: &str) -> Result<ValidUpdate, UpdateError> {
        let mut messages = Vec::new();
        if present(&self.feedback).is_some() {
            messages.push((
                "feedback",
                "Feedback applies to the legacy alerts API; use classification.".into(),
            ));
        }
        let (classification, determination) =
            verdict_asked(&self.classification, &self.determination, &mut messages);
        let change = Change::V2 {
            status: parse("status", &self.status, AlertStatus::parse, &mut messages),
            classification,
            determination,
        };
        self.finish(change, me, messages)
    }

    pub fn validate_legacy(&self, me: &str) -> Result<ValidUpdate, UpdateError> {
        let mut messages = Vec::new();
        if present(&self.classification).is_some() || present(&self.determination).is_some() {
            messages.push((
                "classification",
                "Classification and determination apply to the v2 alerts API; use feedback.".into(),
            ));
        }
        let change = Change::Legacy {
            status: parse("status", &self.status, LegacyStatus::parse, &mut messages),
            feedback: parse(
                "feedback",
                &self.feedback,
                LegacyFeedback::parse,
                &mut messages,
            ),
        };
        self.finish(change, me, messages)
    }

    fn finish(
        &self,
        change: Change,
        me: &str,
        mut messages: Vec<(&'static str, String)>,
    ) -> Result<ValidUpdate, UpdateError> {
        let id = validate_alert_id(self.alert_id.as_deref().unwrap_or_default())
            .map_err(|m| messages.insert(0, ("alert_id", m)))
            .unwrap_or_default();
        let comment = comment_asked(&self.comment, &mut messages);
        let assign_to =
            assign_to_me_asked(&self.assign_to_me, &mut messages).then(|| me.to_string());
        let update = ValidUpdate {
            id,
            change,
            assign_to,
            comment,
        };
        if messages.is_empty() && !update.changes_anything() {
            messages.push((
                "form",
                "Choose something to change: a status, a verdict, a comment or assign to me."
                    .into(),
            ));
        }
        if messages.is_empty() {
            Ok(update)
        } else {
            Err(UpdateError { problems: messages })
        }
    }
}

/// The classification and determination asked (`None` leaves one as it is), each parsed and
/// checked as a pair when both are given. One rule for alerts and incidents, single or bulk.
pub fn verdict_asked(
    classification: &Option<String>,
    determination: &Option<String>,
    messages: &mut Vec<(&'static str, String)>,
) -> (Option<Classification>, Option<Determination>) {
    let classification = parse(
        "classification",
        classification,
        Classification::parse,
        messages,
    );
    let determination = parse(
        "determination",
        determination,
        Determination::parse,
        messages,
    );
    if let (Some(c), Some(d)) = (classification, determination)
        && !verdict::allowed(c, d)
    {
        messages.push(("determination", verdict::refusal(c, d)));
    }
    (classification, determination)
}

/// The comment typed, trimmed; at most [`MAX_COMMENT_LEN`] characters.
pub fn comment_asked(
    raw: &Option<String>,
    messages: &mut Vec<(&'static str, String)>,
) -> Option<String> {
    let comment = present(raw)?;
    if comment.chars().count() > MAX_COMMENT_LEN {
        messages.push((
            "comment",
            format!("A comment is at most {MAX_COMMENT_LEN} characters."),
        ));
        return None;
    }
    Some(comment.to_string())
}

/// Whether "assign to me" is ticked: on, true, 1 or yes; off, false, 0, no or nothing leaves
/// the assignee; any other word is refused.
pub fn assign_to_me_asked(
    raw: &Option<String>,
    messages: &mut Vec<(&'static str, String)>,
) -> bool {
    match present(raw).map(str::to_ascii_lowercase).as_deref() {
        None | Some("off" | "false" | "0" | "no") => false,
        Some("on" | "true" | "1" | "yes") => true,
        Some(_) => {
            messages.push(("assign_to_me", "Assign to me must be on or off.".into()));
            false
        }
    }
}

fn parse<T>(
    field: &'static str,
    value: &Option<String>,
    parse: fn(&str) -> Result<T, UnknownValue>,
    messages: &mut Vec<(&'static str, String)>,
) -> Option<T> {
    let raw = present(value)?;
    parse(raw)
        .map_err(|e| messages.push((field, format!("{e}."))))
        .ok()
}

impl ValidUpdate {
    /// Checks a determination chosen without a classification against the alert's current
    /// classification (`current`, Graph's spelling), so a pair is never sent half-checked.
    pub fn check_pair_with(&self, current: &str) -> Result<(), UpdateError> {
        let Change::V2 {
            classification: None,
            determination: Some(determination),
            ..
        } = self.change
        else {
            return Ok(());
        };
        let current = Classification::parse(current).unwrap_or(Classification::Unknown);
        if verdict::allowed(current, determination) {
            return Ok(());
        }
        Err(UpdateError {
            problems: vec![("determination", verdict::refusal(current, determination))],
        })
    }

    fn changes_anything(&self) -> bool {
        self.patch_fields().is_some() || self.comment.is_some()
    }

    /// The fields to PATCH (without the legacy vendorInformation), or `None` when only a
    /// comment is added on v2.
    fn patch_fields(&self) -> Option<Map<String, Value>> {
        let mut fields = Map::new();
        let mut put = |name: &str, value: Option<&'static str>| {
            if let Some(v) = value {
                fields.insert(name.into(), json!(v));
            }
        };
        match &self.change {
            Change::V2 {
                status,
                classification,
                determination,
            } => {
                put("status", status.map(AlertStatus::as_str));
                put("classification", classification.map(Classification::as_str));
                put("determination", determination.map(Determination::as_str));
            }
            Change::Legacy { status, feedback } => {
                put("status", status.map(LegacyStatus::as_str));
                put("feedback", feedback.map(LegacyFeedback::as_str));
            }
        }
        if let Some(me) = &self.assign_to {
            fields.insert("assignedTo".into(), json!(me));
        }
        (!fields.is_empty()).then_some(fields)
    }

    /// The alerts_v2 PATCH body, or `None` when there is nothing to PATCH (comment only).
    pub fn v2_patch_body(&self) -> Option<Value> {
        self.patch_fields().map(Value::Object)
    }

    /// The legacy PATCH body: the changes, the new comment appended to the alert's existing
    /// comments (which may be null), and the alert's own `vendorInformation` (required).
    pub fn legacy_patch_body(&self, original: &Value) -> Value {
        let mut fields = self.patch_fields().unwrap_or_default();
        if let Some(comment) = &self.comment {
            let mut comments: Vec<Value> = original
                .get("comments")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            comments.push(json!(comment));
            fields.insert("comments".into(), Value::Array(comments));
        }
        let vendor = original
            .get("vendorInformation")
            .cloned()
            .unwrap_or(Value::Null);
        fields.insert(
            "vendorInformation".into(),
            json!({"provider": vendor.get("provider"), "vendor": vendor.get("vendor")}),
        );
        Value::Object(fields)
    }
}

#[cfg(test)]
mod tests;

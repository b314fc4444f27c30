//! Update rules: PATCH on alerts_v2 and legacy alerts, and alerts_v2 comments.
//!
//! Each function checks the whole body before it changes anything, so a refused request leaves
//! the alert as it was.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::failure::{Failure, shown};
use crate::schema::legacy;
use crate::schema::security::{self, AlertClassification, AlertDetermination, AlertStatus};
use crate::seed::{AlertRecord, Comment};

/// The longest comment accepted.
pub const MAX_COMMENT_LEN: usize = 4000;

pub(super) fn object(body: &Value) -> Result<&Map<String, Value>, Failure> {
    body.as_object()
        .ok_or_else(|| Failure::bad_request("The request body must be a JSON object."))
}

/// A member of an enumeration, named exactly as Graph spells it (names are case-sensitive).
pub(super) fn enum_value<T>(
    field: &str,
    value: &Value,
    from_name: impl Fn(&str) -> Option<T>,
) -> Result<T, Failure> {
    let text = value
        .as_str()
        .ok_or_else(|| Failure::bad_request(format!("Property '{field}' must be a string.")))?;
    from_name(text).ok_or_else(|| {
        Failure::bad_request(format!(
            "Requested value '{}' was not found for property '{field}'.",
            shown(text)
        ))
    })
}

pub(super) fn optional_string(field: &str, value: &Value) -> Result<Option<String>, Failure> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(Failure::bad_request(format!(
            "Property '{field}' must be a string or null."
        ))),
    }
}

/// A member the PATCH may not set: one the type does not declare (names are case-sensitive, so
/// `Status` is unknown), answered as Graph's OData layer does, or a declared read-only one.
pub(super) fn not_updatable(type_name: &str, declared: &[&str], field: &str) -> Failure {
    if declared.contains(&field) {
        Failure::bad_request(format!(
            "Property '{}' is read-only and cannot be updated.",
            shown(field)
        ))
    } else {
        Failure::bad_request(format!(
            "The property '{}' does not exist on type '{type_name}'. Make sure to only use \
             property names that are defined by the type or mark the type as open type.",
            shown(field)
        ))
    }
}

fn set_status(alert: &mut AlertRecord, status: AlertStatus, now: OffsetDateTime) {
    if status == AlertStatus::Resolved && alert.status != AlertStatus::Resolved {
        alert.resolved = Some(now);
    } else if status != AlertStatus::Resolved {
        alert.resolved = None;
    }
    alert.status = status;
}

/// `PATCH /security/alerts_v2/{id}`: status, classification, determination, assignedTo.
pub fn apply_v2(alert: &mut AlertRecord, body: &Value, now: OffsetDateTime) -> Result<(), Failure> {
    let fields = object(body)?;
    let mut status = None;
    let mut classification = None;
    let mut determination = None;
    let mut assigned_to = None;
    for (field, value) in fields {
        match field.as_str() {
            "@odata.type" => {}
            "status" => status = Some(enum_value(field, value, AlertStatus::from_name)?),
            "classification" => {
                classification = Some(enum_value(field, value, AlertClassification::from_name)?)
            }
            "determination" => {
                determination = Some(enum_value(field, value, AlertDetermination::from_name)?)
            }
            "assignedTo" => assigned_to = Some(optional_string(field, value)?),
            other => {
                return Err(not_updatable(
                    security::ALERT_TYPE,
                    security::ALERT_PROPERTIES,
                    other,
                ));
            }
        }
    }
    if let Some(status) = status {
        set_status(alert, status, now);
    }
    if let Some(c) = classification {
        alert.classification = Some(c);
    }
    if let Some(d) = determination {
        alert.determination = Some(d);
    }
    if let Some(a) = assigned_to {
        alert.assigned_to = a;
    }
    alert.last_update = now;
    Ok(())
}

/// `POST /security/alerts_v2/{id}/comments`: `{"@odata.type":"microsoft.graph.security.alertComment","comment":"…"}`.
pub fn add_comment(
    alert: &mut AlertRecord,
    body: &Value,
    by: &str,
    now: OffsetDateTime,
) -> Result<(), Failure> {
    alert.comments.push(new_comment(body, by, now)?);
    alert.last_update = now;
    Ok(())
}

/// The comment a comments POST (alert or incident) adds, checked.
pub(super) fn new_comment(body: &Value, by: &str, now: OffsetDateTime) -> Result<Comment, Failure> {
    let fields = object(body)?;
    if let Some(kind) = fields.get("@odata.type") {
        let kind = kind.as_str().unwrap_or_default().trim_start_matches('#');
        if kind != "microsoft.graph.security.alertComment" {
            return Err(Failure::bad_request(
                "The @odata.type must be microsoft.graph.security.alertComment.",
            ));
        }
    }
    let text = fields
        .get("comment")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Failure::bad_request("The 'comment' property is required."))?;
    if text.chars().count() > MAX_COMMENT_LEN {
        return Err(Failure::bad_request(format!(
            "A comment can be at most {MAX_COMMENT_LEN} characters."
        )));
    }
    Ok(Comment {
        text: text.to_string(),
        by: by.to_string(),
        at: now,
    })
}

/// `PATCH /security/alerts/{id}` (legacy): requires `vendorInformation` naming the alert's
/// provider and vendor; updates assignedTo, closedDateTime, comments, feedback, status, tags.
pub fn apply_legacy(
    alert: &mut AlertRecord,
    body: &Value,
    by: &str,
    now: OffsetDateTime,
) -> Result<(), Failure> {
    let fields = object(body)?;
    check_vendor(alert, fields.get("vendorInformation"))?;
    let mut update = alert.clone();
    for (field, value) in fields {
        match field.as_str() {
            "vendorInformation" | "@odata.type" => {}
            "assignedTo" => update.assigned_to = optional_string(field, value)?,
            "status" => {
                let legacy = enum_value(field, value, legacy::AlertStatus::from_name)?;
                set_status(&mut update, legacy.to_v2(), now);
            }
            "feedback" => {
                let feedback = enum_value(field, value, legacy::AlertFeedback::from_name)?;
                update.classification = Some(feedback.to_v2());
            }
            "closedDateTime" => update.resolved = closed(value)?,
            "comments" => update.comments = comments(&alert.comments, value, by, now)?,
            "tags" => update.tags = strings(field, value)?,
            other => {
                return Err(not_updatable(
                    legacy::ALERT_TYPE,
                    legacy::ALERT_PROPERTIES,
                    other,
                ));
            }
        }
    }
    update.last_update = now;
    *alert = update;
    Ok(())
}

fn check_vendor(alert: &AlertRecord, info: Option<&Value>) -> Result<(), Failure> {
    let info = info.and_then(Value::as_object).ok_or_else(|| {
        Failure::bad_request("The vendorInformation property with provider and vendor is required.")
    })?;
    let field = |name: &str| info.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("provider").is_empty() || field("vendor").is_empty() {
        return Err(Failure::bad_request(
            "vendorInformation must include both provider and vendor.",
        ));
    }
    if !field("provider").eq_ignore_ascii_case(alert.source.legacy_provider)
        || !field("vendor").eq_ignore_ascii_case("Microsoft")
    {
        return Err(Failure::bad_request(format!(
            "vendorInformation does not match the alert's provider '{}'.",
            alert.source.legacy_provider
        )));
    }
    Ok(())
}

fn closed(value: &Value) -> Result<Option<OffsetDateTime>, Failure> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339).map(Some).map_err(|_| {
            Failure::bad_request(format!("'{}' is not a valid DateTimeOffset.", shown(s)))
        }),
        _ => Err(Failure::bad_request(
            "closedDateTime must be a string or null.",
        )),
    }
}

pub(super) fn strings(field: &str, value: &Value) -> Result<Vec<String>, Failure> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    Failure::bad_request(format!("Every item of '{field}' must be a string."))
                })
            })
            .collect(),
        _ => Err(Failure::bad_request(format!(
            "Property '{field}' must be an array of strings."
        ))),
    }
}

/// The new comment list: existing comments kept where their text is unchanged, others new.
fn comments(
    old: &[Comment],
    value: &Value,
    by: &str,
    now: OffsetDateTime,
) -> Result<Vec<Comment>, Failure> {
    let texts = strings("comments", value)?;
    if let Some(long) = texts.iter().find(|t| t.chars().count() > MAX_COMMENT_LEN) {
        return Err(Failure::bad_request(format!(
            "A comment can be at most {MAX_COMMENT_LEN} characters ('{}').",
            shown(long)
        )));
    }
    Ok(texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| match old.get(i) {
            Some(existing) if existing.text == text => existing.clone(),
            _ => Comment {
                text,
                by: by.to_string(),
                at: now,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests;

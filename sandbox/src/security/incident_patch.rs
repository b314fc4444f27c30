//! `PATCH /security/incidents/{id}` and `POST /security/incidents/{id}/comments`.
//!
//! The reference ("Update incident") lets a client change assignedTo, classification,
//! determination, customTags, description, displayName, resolvingComment, severity, status and
//! summary. The whole body is checked before anything changes, so a refused request leaves the
//! incident as it was.

use serde_json::Value;
use time::OffsetDateTime;

use super::failure::{Failure, shown};
use super::patch::{enum_value, new_comment, not_updatable, object, optional_string, strings};
use crate::schema::security::{
    self, AlertClassification, AlertDetermination, AlertSeverity, IncidentStatus,
};
use crate::seed::IncidentRecord;

/// The longest custom tag accepted, and the most tags one incident carries.
pub const MAX_TAG_LEN: usize = 128;
pub const MAX_TAGS: usize = 50;

/// Who asked for the change and whether they may name evolvable members.
pub struct Editor<'a> {
    pub name: &'a str,
    pub evolvable: bool,
}

/// Applies a PATCH body to `incident`.
pub fn apply(
    incident: &mut IncidentRecord,
    body: &Value,
    editor: &Editor<'_>,
    now: OffsetDateTime,
) -> Result<(), Failure> {
    let mut update = incident.clone();
    let mut verdict_sent = false;
    for (field, value) in object(body)? {
        match field.as_str() {
            "@odata.type" => {}
            "assignedTo" => update.assigned_to = optional_string(field, value)?,
            "description" => update.description = optional_string(field, value)?,
            "summary" => update.summary = optional_string(field, value)?,
            "resolvingComment" => update.resolving_comment = optional_string(field, value)?,
            "displayName" => update.display_name = display_name(value)?,
            "severity" => update.severity = enum_value(field, value, AlertSeverity::from_name)?,
            "status" => update.status = status(value, editor.evolvable)?,
            "classification" => {
                verdict_sent = true;
                update.classification =
                    Some(enum_value(field, value, AlertClassification::from_name)?);
            }
            "determination" => {
                verdict_sent = true;
                update.determination =
                    Some(enum_value(field, value, AlertDetermination::from_name)?);
            }
            "customTags" => update.custom_tags = tags(value)?,
            other => {
                return Err(not_updatable(
                    security::INCIDENT_TYPE,
                    security::INCIDENT_PROPERTIES,
                    other,
                ));
            }
        }
    }
    if verdict_sent {
        check_pair(update.classification, update.determination)?;
    }
    update.last_update = now;
    update.last_modified_by = editor.name.to_string();
    *incident = update;
    Ok(())
}

/// Adds the comment a comments POST carries.
pub fn add_comment(
    incident: &mut IncidentRecord,
    body: &Value,
    by: &str,
    now: OffsetDateTime,
) -> Result<(), Failure> {
    incident.comments.push(new_comment(body, by, now)?);
    incident.last_update = now;
    Ok(())
}

fn display_name(value: &Value) -> Result<String, Failure> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Failure::bad_request("Property 'displayName' must be a non-empty string."))
}

/// A status a client may set: redirection happens only when Defender merges incidents, and
/// evolvable members need the preference that reveals them.
fn status(value: &Value, evolvable: bool) -> Result<IncidentStatus, Failure> {
    let unknown = |text: &str| {
        Failure::bad_request(format!(
            "Requested value '{}' was not found for property 'status'.",
            shown(text)
        ))
    };
    let status = enum_value("status", value, IncidentStatus::from_name)?;
    if status.is_evolvable() && !evolvable {
        return Err(unknown(status.name()));
    }
    if status == IncidentStatus::Redirected {
        return Err(Failure::bad_request(
            "An incident is redirected only when it is merged into another incident; \
             status 'redirected' cannot be set.",
        ));
    }
    Ok(status)
}

fn tags(value: &Value) -> Result<Vec<String>, Failure> {
    let tags = strings("customTags", value)?;
    if tags.len() > MAX_TAGS {
        return Err(Failure::bad_request(format!(
            "An incident can carry at most {MAX_TAGS} custom tags."
        )));
    }
    if let Some(bad) = tags
        .iter()
        .find(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG_LEN)
    {
        return Err(Failure::bad_request(format!(
            "The custom tag '{}' must be between 1 and {MAX_TAG_LEN} characters.",
            shown(bad)
        )));
    }
    Ok(tags)
}

/// The determinations Defender's "classify an incident" guidance lists under each
/// classification; `unknown` may stand with any classification.
pub fn fits(classification: AlertClassification, determination: AlertDetermination) -> bool {
    use AlertClassification as C;
    use AlertDetermination as D;
    if determination == D::Unknown {
        return true;
    }
    match classification {
        C::TruePositive => matches!(
            determination,
            D::MultiStagedAttack
                | D::MaliciousUserActivity
                | D::CompromisedAccount
                | D::Malware
                | D::Phishing
                | D::UnwantedSoftware
                | D::Apt
                | D::Other
        ),
        C::InformationalExpectedActivity => matches!(
            determination,
            D::SecurityTesting
                | D::LineOfBusinessApplication
                | D::ConfirmedActivity
                | D::SecurityPersonnel
                | D::Other
        ),
        C::FalsePositive => matches!(
            determination,
            D::NotMalicious | D::NotEnoughDataToValidate | D::Other
        ),
        C::Unknown => false,
    }
}

fn check_pair(
    classification: Option<AlertClassification>,
    determination: Option<AlertDetermination>,
) -> Result<(), Failure> {
    let Some(determination) = determination else {
        return Ok(());
    };
    let classification = classification.unwrap_or(AlertClassification::Unknown);
    if fits(classification, determination) {
        return Ok(());
    }
    Err(Failure::bad_request(format!(
        "The determination '{determination}' is not valid for the classification \
         '{classification}'."
    )))
}

#[cfg(test)]
mod tests;

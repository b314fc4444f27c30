//! An audit record as the page and the CSV export show it: times, words, changes as
//! "Status: New → Resolved" (fields that kept their value left out). The page shows an
//! enumeration value as its label, the export as it was recorded; a member Graph adds later
//! stays as Graph spelled it in both. Templates escape every value.

use serde_json::Value;
use time::macros::format_description;

use crate::alerts::labels::{label_of, words_of};
use crate::triage::audit::AuditRecord;

/// One row of `#audit-table`.
pub struct AuditRow {
    pub when: String,
    pub who: String,
    pub who_oid: String,
    pub action: String,
    pub resource: String,
    pub resource_id: String,
    pub changes: Vec<String>,
    pub comment: String,
    pub succeeded: bool,
    pub outcome: String,
    pub request_id: String,
    pub error: String,
    pub run_id: String,
}

pub const CSV_HEADER: [&str; 14] = [
    "time",
    "who",
    "who_object_id",
    "tenant_id",
    "action",
    "resource_type",
    "resource_id",
    "changes",
    "comment",
    "status",
    "request_id",
    "client_request_id",
    "error",
    "run_id",
];

fn when(record: &AuditRecord) -> String {
    record
        .at
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
        ))
        .unwrap_or_default()
}

fn field_label(name: &str) -> String {
    match name {
        "status" => "Status".into(),
        "classification" => "Classification".into(),
        "determination" => "Determination".into(),
        "assignedTo" => "Assigned to".into(),
        "feedback" => "Feedback".into(),
        "recipients" => "Recipients".into(),
        "subject" => "Subject".into(),
        "resource" => "Resource".into(),
        "expires" => "Expires".into(),
        "graphId" => "Graph id".into(),
        "customTags" => "Tags".into(),
        other => words_of(other),
    }
}

/// The fields whose values are members of a Graph enumeration.
fn is_enumeration(name: &str) -> bool {
    matches!(
        name,
        "status" | "classification" | "determination" | "feedback" | "severity"
    )
}

/// How values are written: in words for the page, as recorded for the export.
#[derive(Clone, Copy)]
enum Words {
    Labels,
    AsRecorded,
}

fn shown(value: Option<&Value>, field: &str, words: Words) -> String {
    match value {
        None | Some(Value::Null) => "(none)".into(),
        Some(Value::String(s)) if s.is_empty() => "(none)".into(),
        Some(Value::String(s)) if matches!(words, Words::Labels) && is_enumeration(field) => {
            label_of(s)
        }
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => "(none)".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| shown(Some(v), field, words))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// "Field: before → after" per field that changed, in words; a field only after reads
/// "Field: value". A write that changed nothing reads "No field changed".
pub fn changes(record: &AuditRecord) -> Vec<String> {
    changes_in(record, Words::Labels)
}

/// [`changes`] with values as they were recorded (the export).
pub fn changes_as_recorded(record: &AuditRecord) -> Vec<String> {
    changes_in(record, Words::AsRecorded)
}

fn changes_in(record: &AuditRecord, words: Words) -> Vec<String> {
    let mut names: Vec<&String> = Vec::new();
    for side in [&record.before, &record.after] {
        if let Value::Object(map) = side {
            names.extend(
                map.keys()
                    .filter(|k| !names.contains(k))
                    .collect::<Vec<_>>(),
            );
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let changed: Vec<String> = names
        .into_iter()
        .filter_map(|name| {
            let before = record.before.get(name.as_str());
            let after = record.after.get(name.as_str());
            let label = field_label(name);
            match before {
                Some(before) if Some(before) == after => None,
                Some(before) => Some(format!(
                    "{label}: {} → {}",
                    shown(Some(before), name, words),
                    shown(after, name, words)
                )),
                None => Some(format!("{label}: {}", shown(after, name, words))),
            }
        })
        .collect();
    if changed.is_empty() {
        return vec!["No field changed".into()];
    }
    changed
}

fn outcome(record: &AuditRecord) -> String {
    match (record.succeeded(), record.status) {
        (true, 0) => "Done (kept by graphsec)".into(),
        (true, status) => format!("Succeeded ({status})"),
        (false, 0) => "Failed (no answer)".into(),
        (false, status) => format!("Failed ({status})"),
    }
}

pub fn row(record: &AuditRecord) -> AuditRow {
    AuditRow {
        when: when(record),
        who: record.actor.name.clone(),
        who_oid: record.actor.oid.clone(),
        action: record.action.clone(),
        resource: record.resource_type.clone(),
        resource_id: record.resource_id.clone(),
        changes: changes(record),
        comment: record.comment.clone(),
        succeeded: record.succeeded(),
        outcome: outcome(record),
        request_id: record.request_id.clone(),
        error: record.error.clone(),
        run_id: record.run_id.clone(),
    }
}

/// The CSV cells of one record, in [`CSV_HEADER`] order.
pub fn csv_cells(record: &AuditRecord) -> Vec<String> {
    vec![
        when(record),
        record.actor.name.clone(),
        record.actor.oid.clone(),
        record.actor.tenant_id.clone(),
        record.action.clone(),
        record.resource_type.clone(),
        record.resource_id.clone(),
        changes_as_recorded(record).join("; "),
        record.comment.clone(),
        record.status.to_string(),
        record.request_id.clone(),
        record.client_request_id.clone(),
        record.error.clone(),
        record.run_id.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::OffsetDateTime;

    use super::*;
    use crate::triage::audit::Actor;

    #[test]
    fn changes_read_before_and_after_and_keep_unknown_values_as_they_came() {
        let record = record(
            json!({"status": "new", "assignedTo": null}),
            json!({"status": "someFutureStatus", "assignedTo": "megan@contoso.example"}),
        );
        assert_eq!(
            changes(&record),
            [
                "Assigned to: (none) → megan@contoso.example",
                "Status: New → someFutureStatus",
            ]
        );
        assert_eq!(
            changes_as_recorded(&record)[1],
            "Status: new → someFutureStatus"
        );
        assert_eq!(row(&record).outcome, "Succeeded (200)");
    }

    fn record(before: serde_json::Value, after: serde_json::Value) -> AuditRecord {
        AuditRecord {
            id: 1,
            at: OffsetDateTime::UNIX_EPOCH,
            actor: Actor {
                name: "Megan".into(),
                oid: "o".into(),
                tenant_id: "t".into(),
            },
            action: "incident update".into(),
            resource_type: "incident".into(),
            resource_id: "7".into(),
            before,
            after,
            comment: String::new(),
            status: 200,
            request_id: "r".into(),
            client_request_id: String::new(),
            error: String::new(),
            run_id: String::new(),
        }
    }

    #[test]
    fn fields_that_kept_their_value_are_left_out_and_names_read_as_words() {
        let changed = record(
            json!({"status": "active", "classification": "unknown", "customTags": ["vip"],
                   "lastUpdatedBy": "x"}),
            json!({"status": "active", "classification": "truePositive",
                   "customTags": ["vip", "phish"], "lastUpdatedBy": "x"}),
        );
        assert_eq!(
            changes(&changed),
            [
                "Classification: Unknown → True positive",
                "Tags: vip → vip, phish",
            ]
        );
        assert_eq!(
            csv_cells(&changed)[7],
            "Classification: unknown → truePositive; Tags: vip → vip, phish",
            "the export keeps the values as recorded"
        );
        let unchanged = record(json!({"status": "active"}), json!({"status": "active"}));
        assert_eq!(changes(&unchanged), ["No field changed"]);
    }
}

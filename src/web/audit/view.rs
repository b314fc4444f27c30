//! An audit record as the page and the CSV export show it: times, words, changes as
//! "Status: new → resolved". Values are shown exactly as they were recorded (an enumeration
//! member Graph adds later stays as Graph spelled it); templates escape them.

use serde_json::Value;
use time::macros::format_description;

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
        other => other.to_string(),
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "(none)".into(),
        Some(Value::String(s)) if s.is_empty() => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| shown(Some(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// "Field: before → after" per field in either side; a field only after reads "Field: value".
pub fn changes(record: &AuditRecord) -> Vec<String> {
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
    names
        .into_iter()
        .map(|name| {
            let before = record.before.get(name.as_str());
            let after = record.after.get(name.as_str());
            let label = field_label(name);
            match before {
                Some(before) => format!("{label}: {} → {}", shown(Some(before)), shown(after)),
                None => format!("{label}: {}", shown(after)),
            }
        })
        .collect()
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
        changes(record).join("; "),
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
        let record = AuditRecord {
            id: 1,
            at: OffsetDateTime::UNIX_EPOCH,
            actor: Actor {
                name: "Megan".into(),
                oid: "o".into(),
                tenant_id: "t".into(),
            },
            action: "alert update".into(),
            resource_type: "alert".into(),
            resource_id: "a1".into(),
            before: json!({"status": "new", "assignedTo": null}),
            after: json!({"status": "someFutureStatus", "assignedTo": "megan@contoso.example"}),
            comment: String::new(),
            status: 200,
            request_id: "r".into(),
            client_request_id: String::new(),
            error: String::new(),
            run_id: String::new(),
        };
        assert_eq!(
            changes(&record),
            [
                "Assigned to: (none) → megan@contoso.example",
                "Status: new → someFutureStatus",
            ]
        );
        assert_eq!(row(&record).outcome, "Succeeded (200)");
    }
}

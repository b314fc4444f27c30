//! Turning what Graph answered into audit records: one record per write, retries of one write
//! (a 429 waited out) counted once with their final answer.

use serde_json::{Map, Value};

use super::{Actor, AuditLog, AuditResult, Resource, Write, WriteOutcome};
use crate::alerts::api::UpdateOutcome;
use crate::alerts::row::Shape;
use crate::alerts::update::ValidUpdate;
use crate::graph::GraphError;
use crate::graph::observe::Answered;

/// The alert fields a triage change touches, per API.
pub fn alert_fields(shape: Shape) -> &'static [&'static str] {
    match shape {
        Shape::V2 => &["status", "classification", "determination", "assignedTo"],
        Shape::Legacy => &["status", "feedback", "assignedTo"],
    }
}

/// Those of `fields` present in `value` (a resource as Graph sent it, or a request body).
pub fn pick(value: &Value, fields: &[&str]) -> Value {
    let picked: Map<String, Value> = fields
        .iter()
        .filter_map(|f| value.get(*f).map(|v| ((*f).to_string(), v.clone())))
        .collect();
    Value::Object(picked)
}

/// The final answer to each write, in order: consecutive answers to the same method and path
/// are one write tried again.
pub fn final_writes(answers: &[Answered]) -> Vec<&Answered> {
    let mut out: Vec<&Answered> = Vec::new();
    for answer in answers.iter().filter(|a| a.is_write()) {
        match out.last_mut() {
            Some(last)
                if last.method == answer.method
                    && last.path == answer.path
                    && last.status == 429 =>
            {
                *last = answer;
            }
            _ => out.push(answer),
        }
    }
    out
}

/// Records one write whose call ended with `result`, Graph's answers to it being `answers`.
pub async fn record_write<T>(
    log: &AuditLog,
    actor: &Actor,
    write: Write,
    result: &Result<T, GraphError>,
    answers: &[Answered],
) -> AuditResult<()> {
    log.record(actor, write, &WriteOutcome::of(result, answers))
        .await
        .map(drop)
}

/// Records a single-alert update: the field change and the comment, each as its own write when
/// Graph was sent it (a write never reached because an earlier one failed is not recorded).
pub async fn record_alert_update(
    log: &AuditLog,
    actor: &Actor,
    shape: Shape,
    update: &ValidUpdate,
    original: &Value,
    result: &Result<UpdateOutcome, GraphError>,
    answers: &[Answered],
) -> AuditResult<()> {
    let fields = alert_fields(shape);
    let writes = final_writes(answers);
    for (index, answer) in writes.iter().enumerate() {
        let is_last = index + 1 == writes.len();
        let outcome = match result {
            Err(error) if is_last => WriteOutcome::failed(error, Some(answer)),
            _ => WriteOutcome::answered(answer),
        };
        let write = if answer.path.ends_with("/comments") {
            Write::new("alert comment", Resource::Alert, &update.id)
                .comment(update.comment.as_deref().unwrap_or_default())
        } else {
            let asked = match shape {
                Shape::V2 => update.v2_patch_body().unwrap_or_default(),
                Shape::Legacy => update.legacy_patch_body(original),
            };
            let after = match result {
                Ok(outcome) => pick(&outcome.updated, fields),
                Err(_) => pick(&asked, fields),
            };
            let write = Write::new("alert update", Resource::Alert, &update.id)
                .fields(pick(original, fields), after);
            match (shape, &update.comment) {
                (Shape::Legacy, Some(comment)) => write.comment(comment),
                _ => write,
            }
        };
        log.record(actor, write, &outcome).await?;
    }
    if writes.is_empty()
        && let Err(error) = result
    {
        // No answer at all (Graph unreachable, a timeout): the attempt is still recorded.
        let write = Write::new("alert update", Resource::Alert, &update.id)
            .fields(pick(original, fields), Value::Object(Map::new()));
        log.record(actor, write, &WriteOutcome::failed(error, None))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(method: &str, path: &str, status: u16) -> Answered {
        Answered {
            method: method.into(),
            path: path.into(),
            status,
            request_id: format!("r-{status}"),
            client_request_id: String::new(),
        }
    }

    #[test]
    fn a_write_waited_out_after_429_counts_once_and_reads_are_left_out() {
        let answers = [
            answer("GET", "/a", 200),
            answer("PATCH", "/a", 429),
            answer("PATCH", "/a", 200),
            answer("POST", "/a/comments", 500),
        ];
        let writes = final_writes(&answers);
        let seen: Vec<(&str, u16)> = writes
            .iter()
            .map(|a| (a.method.as_str(), a.status))
            .collect();
        assert_eq!(seen, [("PATCH", 200), ("POST", 500)]);
    }

    #[test]
    fn pick_keeps_only_the_named_fields_present() {
        let alert = serde_json::json!({"status": "new", "title": "x", "assignedTo": null});
        assert_eq!(
            pick(&alert, &["status", "assignedTo", "classification"]),
            serde_json::json!({"status": "new", "assignedTo": null})
        );
    }
}

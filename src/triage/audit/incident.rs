//! The audit records of one incident change: the `PATCH` and the comment, each recorded as its
//! own write when Graph was sent it.

use serde_json::{Map, Value};

use super::writes::{final_writes, pick};
use super::{Actor, AuditLog, AuditResult, Resource, Write, WriteOutcome};
use crate::graph::GraphError;
use crate::graph::observe::Answered;
use crate::incidents::update::IncidentUpdate;
use crate::incidents::write::Written;

/// Records what `write_incident` sent for incident `id`, whose state before was `original`.
pub async fn record_incident_update(
    log: &AuditLog,
    actor: &Actor,
    id: &str,
    original: &Value,
    update: &IncidentUpdate,
    result: &Result<Written, GraphError>,
    answers: &[Answered],
) -> AuditResult<()> {
    let fields: Vec<&str> = update.patch.keys().map(String::as_str).collect();
    let writes = final_writes(answers);
    for (index, answer) in writes.iter().enumerate() {
        let is_last = index + 1 == writes.len();
        let is_comment = answer.path.ends_with("/comments");
        let outcome = match result {
            Err(error) if is_last => WriteOutcome::failed(error, Some(answer)),
            Ok(written) if is_comment => match &written.comment_refused {
                Some(error) => WriteOutcome::failed(error, Some(answer)),
                None => WriteOutcome::answered(answer),
            },
            _ => WriteOutcome::answered(answer),
        };
        let write = if is_comment {
            Write::new("incident comment", Resource::Incident, id)
                .comment(update.comment.as_deref().unwrap_or_default())
        } else {
            let after = match result {
                Ok(written) => pick(&written.updated, &fields),
                Err(_) => Value::Object(update.patch.clone()),
            };
            Write::new("incident update", Resource::Incident, id)
                .fields(pick(original, &fields), after)
        };
        log.record(actor, write, &outcome).await?;
    }
    if writes.is_empty()
        && let Err(error) = result
    {
        // No answer at all (Graph unreachable, a timeout): the attempt is still recorded.
        let write = Write::new("incident update", Resource::Incident, id)
            .fields(pick(original, &fields), Value::Object(Map::new()));
        log.record(actor, write, &WriteOutcome::failed(error, None))
            .await?;
    }
    Ok(())
}

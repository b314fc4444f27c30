//! One bulk run over alerts (either API): read every selected alert, work out each one's writes
//! (nothing when it already has the values asked for), send them, audit each write and the run.

use std::collections::HashMap;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::report::{ItemResult, ItemState, RunReport};
use super::send::{Sent, send_all};
use crate::alerts::api::AlertsApi;
use crate::alerts::row::{Shape, text};
use crate::alerts::update::ValidUpdate;
use crate::graph::alerts_legacy::PREFER_REPRESENTATION;
use crate::graph::batch::{BatchAnswer, BatchRequest, item_path};
use crate::triage::audit::writes::{alert_fields, pick};
use crate::triage::audit::{Actor, AuditLog, AuditResult, Resource, Write, WriteOutcome};

/// Who runs it and where it is recorded.
pub struct Runner<'a> {
    pub api: &'a AlertsApi,
    pub token: &'a SecretString,
    pub audit: &'a AuditLog,
    pub actor: &'a Actor,
}

/// One write planned for one alert.
struct Planned {
    item: usize,
    comment: bool,
    request: BatchRequest,
}

impl Runner<'_> {
    /// Applies `update` (its id is replaced per item) to every id in `ids`.
    pub async fn alerts(
        &self,
        ids: &[String],
        update: &ValidUpdate,
        change: &str,
    ) -> AuditResult<RunReport> {
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let shape = self.api.shape();
        let collection = self.api.collection();
        let mut results: Vec<Option<ItemResult>> = vec![None; ids.len()];

        let reads = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                BatchRequest::new(
                    &i.to_string(),
                    Method::GET,
                    &item_path(collection, id),
                    None,
                )
            })
            .collect();
        let mut read = send_all(self.api.graph(), self.token, reads).await;
        let mut originals: HashMap<usize, Value> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            match read.remove(&i.to_string()) {
                Some(Sent::Answered(answer)) if answer.succeeded() => {
                    originals.insert(i, answer.body);
                }
                other => results[i] = Some(unsent(id, other)),
            }
        }

        let mut patches = Vec::new();
        let mut comments = Vec::new();
        for (&i, original) in &originals {
            let mut item = update.clone();
            item.id = ids[i].clone();
            if let Err(refused) = item.check_pair_with(&text(original, "/classification")) {
                results[i] = Some(ItemResult::failed(&ids[i], 0, refused.to_string(), ""));
                continue;
            }
            let path = item_path(collection, &ids[i]);
            let body = match shape {
                Shape::V2 => item.v2_patch_body(),
                Shape::Legacy => Some(item.legacy_patch_body(original)),
            };
            if let Some(body) = body.filter(|b| changes(b, original)) {
                let mut request =
                    BatchRequest::new(&i.to_string(), Method::PATCH, &path, Some(body));
                if shape == Shape::Legacy {
                    request = request.header(PREFER_REPRESENTATION.0, PREFER_REPRESENTATION.1);
                }
                patches.push(Planned {
                    item: i,
                    comment: false,
                    request,
                });
            }
            if let (Shape::V2, Some(text)) = (shape, &item.comment) {
                let body = crate::graph::alerts_v2::comment_body(text);
                let request = BatchRequest::new(
                    &i.to_string(),
                    Method::POST,
                    &format!("{path}/comments"),
                    Some(body),
                );
                comments.push(Planned {
                    item: i,
                    comment: true,
                    request,
                });
            }
        }

        let mut failed: Vec<bool> = vec![false; ids.len()];
        let mut decided: HashMap<usize, (u16, String)> = HashMap::new();
        for phase in [patches, comments] {
            let phase: Vec<Planned> = phase.into_iter().filter(|p| !failed[p.item]).collect();
            let requests = phase.iter().map(|p| p.request.clone()).collect();
            let mut sent = send_all(self.api.graph(), self.token, requests).await;
            for planned in phase {
                let i = planned.item;
                let outcome = outcome_of(sent.remove(&planned.request.id));
                let write =
                    self.write_record(shape, &ids[i], &planned, &originals[&i], &outcome.1, update);
                self.audit
                    .record(self.actor, write.in_run(&run_id), &outcome.0)
                    .await?;
                if !outcome.0.error.is_empty() {
                    failed[i] = true;
                    results[i] = Some(ItemResult::failed(
                        &ids[i],
                        outcome.0.status,
                        outcome.0.error.clone(),
                        &outcome.0.request_id,
                    ));
                } else {
                    decided.insert(i, (outcome.0.status, outcome.0.request_id.clone()));
                }
            }
        }
        let items: Vec<ItemResult> = results
            .into_iter()
            .enumerate()
            .map(|(i, result)| {
                result.unwrap_or_else(|| {
                    let (status, request_id) = decided.remove(&i).unwrap_or_default();
                    let state = if status == 0 {
                        ItemState::Unchanged
                    } else {
                        ItemState::Changed
                    };
                    ItemResult {
                        id: ids[i].clone(),
                        state,
                        message: String::new(),
                        status,
                        request_id,
                    }
                })
            })
            .collect();
        let report = RunReport {
            run_id: run_id.clone(),
            target: "alerts".into(),
            change: change.to_string(),
            items,
        };
        self.record_run(&report).await?;
        Ok(report)
    }

    fn write_record(
        &self,
        shape: Shape,
        id: &str,
        planned: &Planned,
        original: &Value,
        answer: &Value,
        update: &ValidUpdate,
    ) -> Write {
        let comment = update.comment.as_deref().unwrap_or_default();
        if planned.comment {
            return Write::new("alert comment", Resource::Alert, id).comment(comment);
        }
        let fields = alert_fields(shape);
        let after = if answer.is_object() && answer.get("error").is_none() {
            pick(answer, fields)
        } else {
            pick(
                planned.request.body.as_ref().unwrap_or(&Value::Null),
                fields,
            )
        };
        let write =
            Write::new("alert update", Resource::Alert, id).fields(pick(original, fields), after);
        match shape {
            Shape::Legacy if !comment.is_empty() => write.comment(comment),
            _ => write,
        }
    }

    async fn record_run(&self, report: &RunReport) -> AuditResult<()> {
        let ids = |state| -> Vec<&str> {
            report
                .items
                .iter()
                .filter(|i| i.state == state)
                .map(|i| i.id.as_str())
                .collect()
        };
        let failed = ids(ItemState::Failed);
        let after = json!({
            "change": report.change,
            "selected": report.items.len(),
            "changed": report.count(ItemState::Changed),
            "unchanged": ids(ItemState::Unchanged),
            "failed": failed,
        });
        let write = Write::new(
            &format!("bulk run on {}", report.target),
            Resource::BulkRun,
            &report.run_id,
        )
        .fields(json!({}), after)
        .in_run(&report.run_id);
        let outcome = WriteOutcome {
            status: 200,
            error: if failed.is_empty() {
                String::new()
            } else {
                format!("{} of {} items failed.", failed.len(), report.items.len())
            },
            ..WriteOutcome::default()
        };
        self.audit
            .record(self.actor, write, &outcome)
            .await
            .map(drop)
    }
}

/// Whether `body` would change `original`: a field other than `vendorInformation` differs.
fn changes(body: &Value, original: &Value) -> bool {
    body.as_object().is_some_and(|fields| {
        fields
            .iter()
            .any(|(name, value)| name != "vendorInformation" && original.get(name) != Some(value))
    })
}

/// An item whose read failed: nothing was written.
fn unsent(id: &str, sent: Option<Sent>) -> ItemResult {
    let (outcome, _) = outcome_of(sent);
    let message = format!(
        "Could not read it, so nothing was changed: {}",
        outcome.error
    );
    ItemResult::failed(id, outcome.status, message, &outcome.request_id)
}

/// The audit outcome of one request and Graph's answer body.
fn outcome_of(sent: Option<Sent>) -> (WriteOutcome, Value) {
    match sent {
        Some(Sent::Answered(answer)) => (answered(&answer), answer.body),
        Some(Sent::GaveUp(answer)) => {
            let mut outcome = answered(&answer);
            outcome.error = "Graph kept throttling; it was not sent.".into();
            (outcome, answer.body)
        }
        Some(Sent::BatchFailed(error)) => (WriteOutcome::failed(&error, None), Value::Null),
        None => (
            WriteOutcome {
                error: "It was not sent.".into(),
                ..WriteOutcome::default()
            },
            Value::Null,
        ),
    }
}

fn answered(answer: &BatchAnswer) -> WriteOutcome {
    WriteOutcome {
        status: answer.status,
        request_id: answer.request_id(),
        client_request_id: answer.client_request_id(),
        error: if answer.succeeded() {
            String::new()
        } else {
            answer.error_message()
        },
    }
}

//! One bulk run over alerts (either API) or incidents: read every selected item, work out each
//! one's writes (nothing when it already has the values asked for), send them, audit each write
//! and the run.

use std::collections::HashMap;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::report::{ItemResult, ItemState, RunReport};
use crate::alerts::api::AlertsApi;
use crate::alerts::row::{Shape, text};
use crate::alerts::update::ValidUpdate;
use crate::graph::GraphClient;
use crate::graph::alerts_legacy::PREFER_REPRESENTATION;
use crate::graph::batch::many::{Sent, send_all};
use crate::graph::batch::{BatchAnswer, BatchRequest, item_path};
use crate::triage::audit::writes::{alert_fields, pick};
use crate::triage::audit::{Actor, AuditLog, AuditResult, Resource, Write, WriteOutcome};

/// Who runs it and where it is recorded.
pub struct Runner<'a> {
    pub graph: &'a GraphClient,
    pub token: &'a SecretString,
    pub audit: &'a AuditLog,
    pub actor: &'a Actor,
}

/// What a run changes: alerts on one API, or incidents.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// "alerts" or "incidents" (also their list's path).
    pub noun: &'static str,
    pub resource: Resource,
    pub collection: &'static str,
    /// The fields the audit keeps before and after.
    pub fields: &'static [&'static str],
    /// Legacy alert PATCHes ask for the updated alert back.
    pub prefer_representation: bool,
}

impl Target {
    pub fn alerts(api: &AlertsApi) -> Self {
        Self {
            noun: "alerts",
            resource: Resource::Alert,
            collection: api.collection(),
            fields: alert_fields(api.shape()),
            prefer_representation: api.is_legacy(),
        }
    }

    pub fn incidents() -> Self {
        Self {
            noun: "incidents",
            resource: Resource::Incident,
            collection: crate::graph::incidents::COLLECTION,
            fields: INCIDENT_FIELDS,
            prefer_representation: false,
        }
    }

    fn singular(&self) -> &'static str {
        match self.resource {
            Resource::Incident => "incident",
            _ => "alert",
        }
    }
}

/// The incident fields a triage change touches.
const INCIDENT_FIELDS: &[&str] = &["status", "classification", "determination", "assignedTo"];

/// The writes one item needs, given it as Graph sent it: a PATCH body (when anything would
/// change) and a comment; or why the change cannot apply to it.
pub struct ItemPlan {
    pub patch: Option<Value>,
    pub comment: Option<String>,
}

/// One write planned for one item.
struct Planned {
    item: usize,
    comment: bool,
    request: BatchRequest,
}

impl Runner<'_> {
    /// Applies `update` (its id is replaced per item) to every alert in `ids`.
    pub async fn alerts(
        &self,
        api: &AlertsApi,
        ids: &[String],
        update: &ValidUpdate,
        change: &str,
    ) -> AuditResult<RunReport> {
        let shape = api.shape();
        let plan = |id: &str, original: &Value| {
            let mut item = update.clone();
            item.id = id.to_string();
            item.check_pair_with(&text(original, "/classification"))
                .map_err(|refused| refused.to_string())?;
            let patch = match shape {
                Shape::V2 => item.v2_patch_body(),
                Shape::Legacy => Some(item.legacy_patch_body(original)),
            };
            let comment = match shape {
                Shape::V2 => item.comment.clone(),
                // The legacy API takes comments inside the PATCH body.
                Shape::Legacy => None,
            };
            Ok(ItemPlan { patch, comment })
        };
        self.run(
            Target::alerts(api),
            ids,
            plan,
            update.comment.as_deref(),
            change,
        )
        .await
    }

    /// Reads every item, plans its writes with `plan`, sends them and audits each write and the
    /// run. `comment` is the run's comment text, kept in the audit records.
    pub async fn run(
        &self,
        target: Target,
        ids: &[String],
        plan: impl Fn(&str, &Value) -> Result<ItemPlan, String>,
        comment: Option<&str>,
        change: &str,
    ) -> AuditResult<RunReport> {
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let collection = target.collection;
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
        let mut read = send_all(self.graph, self.token, reads).await;
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
            let item = match plan(&ids[i], original) {
                Ok(item) => item,
                Err(refused) => {
                    results[i] = Some(ItemResult::failed(&ids[i], 0, refused, ""));
                    continue;
                }
            };
            let path = item_path(collection, &ids[i]);
            if let Some(body) = item.patch.filter(|b| changes(b, original)) {
                let mut request =
                    BatchRequest::new(&i.to_string(), Method::PATCH, &path, Some(body));
                if target.prefer_representation {
                    request = request.header(PREFER_REPRESENTATION.0, PREFER_REPRESENTATION.1);
                }
                patches.push(Planned {
                    item: i,
                    comment: false,
                    request,
                });
            }
            if let Some(text) = item.comment {
                // Incident comments take the same alertComment body as alert comments.
                let body = crate::graph::alerts_v2::comment_body(&text);
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
        let mut written = Vec::new();
        let mut decided: HashMap<usize, (u16, String)> = HashMap::new();
        for phase in [patches, comments] {
            let phase: Vec<Planned> = phase.into_iter().filter(|p| !failed[p.item]).collect();
            let requests = phase.iter().map(|p| p.request.clone()).collect();
            let mut sent = send_all(self.graph, self.token, requests).await;
            for planned in phase {
                let i = planned.item;
                let outcome = outcome_of(sent.remove(&planned.request.id));
                let write = write_record(
                    &target,
                    &ids[i],
                    &planned,
                    &originals[&i],
                    &outcome.1,
                    comment,
                );
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
                    if !planned.comment && outcome.1.get("id").is_some() {
                        let mut item = outcome.1;
                        if let Some(alerts) = originals[&i].get("alerts") {
                            item["alerts"] = alerts.clone();
                        }
                        written.push(item);
                    }
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
            target: target.noun.into(),
            change: change.to_string(),
            items,
            written,
        };
        self.record_run(&report).await?;
        Ok(report)
    }
}

/// The audit record of one write.
fn write_record(
    target: &Target,
    id: &str,
    planned: &Planned,
    original: &Value,
    answer: &Value,
    comment: Option<&str>,
) -> Write {
    let comment = comment.unwrap_or_default();
    let noun = target.singular();
    if planned.comment {
        return Write::new(&format!("{noun} comment"), target.resource, id).comment(comment);
    }
    let after = if answer.is_object() && answer.get("error").is_none() {
        pick(answer, target.fields)
    } else {
        pick(
            planned.request.body.as_ref().unwrap_or(&Value::Null),
            target.fields,
        )
    };
    let write = Write::new(&format!("{noun} update"), target.resource, id)
        .fields(pick(original, target.fields), after);
    // A legacy alert's comment travels inside its PATCH.
    let in_body = planned
        .request
        .body
        .as_ref()
        .is_some_and(|b| b.get("comments").is_some());
    if in_body {
        write.comment(comment)
    } else {
        write
    }
}

impl Runner<'_> {
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

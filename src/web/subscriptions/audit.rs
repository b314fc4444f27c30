//! The audit records of subscription changes: created, renewed or deleted, at Graph (legacy
//! webhooks) or in graphsec alone (alerts_v2 watches). A refused form changes nothing and
//! leaves no record.

use serde_json::json;

use crate::auth::User;
use crate::error::AppError;
use crate::graph::observe::Answered;
use crate::notify::model::{ApiKind, Subscription};
use crate::notify::subscriptions::manage::{SubscribeError, Subscribed};
use crate::triage::audit::writes::final_writes;
use crate::triage::audit::{Actor, AuditLog, Resource, Write, WriteOutcome};

fn noun(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::LegacyWebhook => "subscription",
        ApiKind::V2Watch => "watch",
    }
}

fn described(sub: &Subscription) -> serde_json::Value {
    json!({
        "resource": sub.resource,
        "graphId": sub.graph_id,
        "expires": crate::graph::odata::datetime_value(sub.expires_at),
    })
}

/// The outcome to keep: Graph's last write answer (if any), with the error when it failed.
fn outcome<T>(result: &Result<T, SubscribeError>, answers: &[Answered]) -> Option<WriteOutcome> {
    let last = final_writes(answers).last().copied();
    match result {
        Ok(_) => Some(last.map(WriteOutcome::answered).unwrap_or_default()),
        Err(SubscribeError::Graph(error)) => Some(WriteOutcome::failed(error, last)),
        Err(SubscribeError::Store(error)) => Some(WriteOutcome {
            error: error.to_string(),
            ..last.map(WriteOutcome::answered).unwrap_or_default()
        }),
        Err(
            SubscribeError::Invalid(_)
            | SubscribeError::NotFound
            | SubscribeError::NotYours
            | SubscribeError::Limit(_),
        ) => None,
    }
}

async fn record(
    log: &AuditLog,
    user: &User,
    write: Write,
    outcome: &WriteOutcome,
) -> Result<(), AppError> {
    log.record(&Actor::from(user), write, outcome)
        .await
        .map(drop)
        .map_err(|e| AppError::Internal(e.into()))
}

/// `POST /subscriptions`: a subscription or watch created (or the existing one renewed).
pub async fn record_subscribe(
    log: &AuditLog,
    user: &User,
    result: &Result<Subscribed, SubscribeError>,
    answers: &[Answered],
) -> Result<(), AppError> {
    let Some(outcome) = outcome(result, answers) else {
        return Ok(());
    };
    let write = match result {
        Ok(Subscribed::Created(sub)) => Write::new(
            &format!("{} created", noun(sub.api_kind)),
            Resource::Subscription,
            &sub.id,
        )
        .fields(json!({}), described(sub)),
        // A colleague's subscription already covers these alerts: nothing was written.
        Ok(Subscribed::Existing(_)) => return Ok(()),
        Ok(Subscribed::Renewed(sub)) => Write::new(
            &format!("{} renewed", noun(sub.api_kind)),
            Resource::Subscription,
            &sub.id,
        )
        .fields(json!({}), described(sub)),
        Err(_) => Write::new("subscription created", Resource::Subscription, ""),
    };
    record(log, user, write, &outcome).await
}

/// `POST /subscriptions/{id}/renew` and `/delete`: `verb` is "renewed" or "deleted".
pub async fn record_change<T: AsSubscription>(
    log: &AuditLog,
    user: &User,
    verb: &str,
    id: &str,
    result: &Result<T, SubscribeError>,
    answers: &[Answered],
) -> Result<(), AppError> {
    let Some(outcome) = outcome(result, answers) else {
        return Ok(());
    };
    let write = match result.as_ref().ok().and_then(AsSubscription::subscription) {
        Some(sub) => Write::new(
            &format!("{} {verb}", noun(sub.api_kind)),
            Resource::Subscription,
            id,
        )
        .fields(json!({}), described(sub)),
        None => Write::new(&format!("subscription {verb}"), Resource::Subscription, id),
    };
    record(log, user, write, &outcome).await
}

/// What a renewal or deletion returns, as far as the record is concerned.
pub trait AsSubscription {
    fn subscription(&self) -> Option<&Subscription>;
}

impl AsSubscription for Subscription {
    fn subscription(&self) -> Option<&Subscription> {
        Some(self)
    }
}

impl AsSubscription for () {
    fn subscription(&self) -> Option<&Subscription> {
        None
    }
}

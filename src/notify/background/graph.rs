//! The Graph side of the background tasks: reading changed alerts and renewing
//! subscriptions with the owner's token (see `owners.rs`), each renewal recorded in the audit
//! log. Given the Graph client, the owners and the audit log, not the whole app state.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;

use serde_json::Value;
use time::OffsetDateTime;

use super::{
    changes::{self, ChangeSource, PollError},
    owners::Owners,
    renewal::{RenewError, SubscriptionApi},
};
use crate::{
    graph::{
        GraphClient, GraphError, GraphErrorKind, alerts_legacy,
        batch::{
            BatchRequest, item_path,
            many::{Sent, send_all},
        },
        observe::observe,
        subscriptions,
    },
    notify::model::Subscription,
    triage::audit::{Actor, AuditLog, Resource, Write, writes::record_write},
};

/// At most this many pages are read per poll; the cursor catches up on the next one.
const MAX_PAGES: usize = 20;

/// How long a throttled poll waits when Graph gives no `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How one alert read for a summary ended.
#[derive(Debug)]
pub enum AlertRead {
    Read(Value),
    /// Graph refused it (or the owner cannot be signed in): the summary says it is unreadable.
    Refused(String),
    /// Still throttled when the wait ran out: left without a summary, as if never read.
    Throttled,
}

/// The name audit records give the renewal task (the owner's object id is kept beside it).
const RENEWAL_ACTOR: &str = "graphsec (automatic renewal)";

#[derive(Clone)]
pub struct GraphBackend {
    graph: GraphClient,
    owners: Owners,
    audit: AuditLog,
}

impl GraphBackend {
    pub fn new(graph: GraphClient, owners: Owners, audit: AuditLog) -> Self {
        Self {
            graph,
            owners,
            audit,
        }
    }

    /// Records a renewal sent to Graph; a failure to record is logged (no page waits on it).
    async fn audit_renewal(
        &self,
        sub: &Subscription,
        result: &Result<subscriptions::GraphSubscription, GraphError>,
        answers: &[crate::graph::observe::Answered],
    ) {
        let actor = Actor {
            name: RENEWAL_ACTOR.to_string(),
            oid: sub.owner_oid.clone(),
            tenant_id: sub.tenant_id.clone(),
        };
        let after = match result {
            Ok(renewed) => serde_json::json!({"expires": renewed.expiration_date_time}),
            Err(_) => serde_json::json!({}),
        };
        let write = Write::new("subscription renewed", Resource::Subscription, &sub.id)
            .fields(serde_json::json!({}), after);
        if let Err(error) = record_write(&self.audit, &actor, write, result, answers).await {
            tracing::warn!(%error, "a background renewal could not be recorded in the audit log");
        }
    }

    /// Legacy alerts read with the owner's token (for notifications' summaries), 20 to a
    /// `$batch` request, each read waiting out throttling for a while; by alert id.
    pub async fn read_alerts(
        &self,
        sub: &Subscription,
        ids: &[&str],
    ) -> HashMap<String, AlertRead> {
        let Some(token) = self.token(sub).await else {
            let why = "the subscription's owner has no valid sign-in";
            return ids
                .iter()
                .map(|id| (id.to_string(), AlertRead::Refused(why.into())))
                .collect();
        };
        let requests = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let path = item_path(alerts_legacy::COLLECTION, id);
                BatchRequest::new(&i.to_string(), Method::GET, &path, None)
            })
            .collect();
        let mut sent = send_all(&self.graph, &token, requests).await;
        ids.iter()
            .enumerate()
            .map(|(i, id)| {
                let read = match sent.remove(&i.to_string()) {
                    Some(Sent::Answered(answer)) if answer.succeeded() => {
                        AlertRead::Read(answer.body)
                    }
                    Some(Sent::Answered(answer)) => AlertRead::Refused(answer.error_message()),
                    Some(Sent::BatchFailed(error)) if error.kind == GraphErrorKind::Throttled => {
                        AlertRead::Throttled
                    }
                    Some(Sent::BatchFailed(error)) => AlertRead::Refused(error.to_string()),
                    Some(Sent::GaveUp(_)) | None => AlertRead::Throttled,
                };
                (id.to_string(), read)
            })
            .collect()
    }

    async fn token(&self, sub: &Subscription) -> Option<secrecy::SecretString> {
        self.owners
            .access_token(&sub.tenant_id, &sub.owner_oid)
            .await
    }
}

impl ChangeSource for GraphBackend {
    async fn changed_since(
        &self,
        sub: &Subscription,
        since: OffsetDateTime,
    ) -> Result<Vec<Value>, PollError> {
        let token = self.token(sub).await.ok_or(PollError::NoToken)?;
        let graph = &self.graph;
        let url = graph.url(&format!(
            "v1.0/{}",
            changes::changed_since_query(sub, since)
        ));
        graph
            .get_all(&token, url, MAX_PAGES)
            .await
            .map_err(poll_error)
    }
}

fn poll_error(error: GraphError) -> PollError {
    match error.kind {
        GraphErrorKind::Throttled => {
            PollError::Throttled(error.retry_after.unwrap_or(DEFAULT_RETRY_AFTER))
        }
        GraphErrorKind::Unauthorized => PollError::NoToken,
        _ => PollError::Failed(error.user_message()),
    }
}

impl SubscriptionApi for GraphBackend {
    async fn renew(
        &self,
        sub: &Subscription,
        until: OffsetDateTime,
    ) -> Result<OffsetDateTime, RenewError> {
        let graph_id = sub.graph_id.as_deref().ok_or(RenewError::Gone)?;
        let token = self.token(sub).await.ok_or(RenewError::NoToken)?;
        let (result, answers) =
            observe(subscriptions::renew(&self.graph, &token, graph_id, until)).await;
        self.audit_renewal(sub, &result, &answers).await;
        match result {
            Ok(renewed) => Ok(renewed.expires_at().unwrap_or(until)),
            Err(e) if e.kind == GraphErrorKind::NotFound => Err(RenewError::Gone),
            Err(e) if e.kind == GraphErrorKind::Unauthorized => Err(RenewError::NoToken),
            Err(e) => Err(RenewError::Refused(e.user_message())),
        }
    }

    async fn owner_can_act(&self, sub: &Subscription) -> bool {
        self.token(sub).await.is_some()
    }

    async fn exists(&self, sub: &Subscription) -> Result<bool, RenewError> {
        let Some(graph_id) = sub.graph_id.as_deref() else {
            return Ok(false);
        };
        let token = self.token(sub).await.ok_or(RenewError::NoToken)?;
        match subscriptions::get(&self.graph, &token, graph_id).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == GraphErrorKind::NotFound => Ok(false),
            Err(e) if e.kind == GraphErrorKind::Unauthorized => Err(RenewError::NoToken),
            Err(e) => Err(RenewError::Refused(e.user_message())),
        }
    }
}

//! Summaries for webhook notifications. Graph's change notifications carry only the alert
//! id, and the webhook answers once the notification is durable, without waiting on Graph;
//! so this task, following the fan-out, reads each such alert once with the subscription
//! owner's token and stores what the page shows with the notification. It runs while this
//! instance holds the lease, so one instance reads each alert.

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;

use super::graph::GraphBackend;
use crate::notify::{
    feed::journal::Journal,
    model::{ApiKind, Notification},
    storage::{Registry, lease::Lease},
    summary::{AlertFields, Summary},
};

pub struct Enricher {
    registry: Registry,
    journal: Journal,
    graph: GraphBackend,
}

impl Enricher {
    pub fn new(registry: Registry, journal: Journal, graph: GraphBackend) -> Self {
        Self {
            registry,
            journal,
            graph,
        }
    }

    /// Follows every published notification for as long as the app runs.
    pub async fn run(self, lease: Arc<dyn Lease>) {
        let mut published = self.journal.fanout().subscribe();
        loop {
            match published.recv().await {
                Ok(n) if lease.held() => self.enrich(&n).await,
                Ok(_) => {}
                // Those missed keep showing the id only: a summary is a help, not the record.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "notifications left without a summary");
                }
                Err(RecvError::Closed) => return,
            }
        }
    }

    /// Reads the alert of a webhook notification that has no summary yet and stores one.
    async fn enrich(&self, n: &Notification) {
        let Some(alert_id) = n.alert_id.as_deref().filter(|_| n.summary.is_none()) else {
            return;
        };
        let sub = match self.registry.get(&n.subscription_id).await {
            Ok(Some(sub)) if sub.api_kind == ApiKind::LegacyWebhook => sub,
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(%error, "no summary: the subscription could not be read");
                return;
            }
        };
        let summary = match self.graph.read_alert(&sub, alert_id).await {
            Ok(alert) => Summary::between(None, AlertFields::of(&alert)),
            Err(why) => {
                tracing::info!(notification = %n.id, %why, "the alert could not be read");
                Summary::unreadable()
            }
        };
        let mut stored = n.clone();
        stored.raw = String::new();
        if let Err(error) = self.journal.add_summary(stored, summary.to_json()).await {
            tracing::warn!(%error, "a notification's summary could not be stored");
        }
    }
}

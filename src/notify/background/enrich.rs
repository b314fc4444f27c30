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

/// Most summaries stored by one write.
const BATCH: usize = 64;

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

    /// Follows every published notification for as long as the app runs. Summaries are
    /// stored together: as soon as no notification is waiting, or every [`BATCH`] (so a
    /// burst costs the database one write per batch rather than one per notification).
    pub async fn run(self, lease: Arc<dyn Lease>) {
        let mut published = self.journal.fanout().subscribe();
        let mut read = Vec::new();
        loop {
            match published.recv().await {
                Ok(n) if lease.held() => {
                    if let Some(summary) = self.summary(&n).await {
                        read.push((n.as_ref().clone(), summary));
                    }
                }
                Ok(_) => {}
                // Those missed keep showing the id only: a summary is a help, not the record.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "notifications left without a summary");
                }
                Err(RecvError::Closed) => return,
            }
            if !read.is_empty() && (published.is_empty() || read.len() >= BATCH) {
                self.store(std::mem::take(&mut read)).await;
            }
        }
    }

    async fn store(&self, read: Vec<(Notification, String)>) {
        let read = read
            .into_iter()
            .map(|(mut n, summary)| {
                n.raw = String::new();
                (n, summary)
            })
            .collect();
        if let Err(error) = self.journal.add_summaries(read).await {
            tracing::warn!(%error, "notification summaries could not be stored");
        }
    }

    /// Reads the alert of a webhook notification that has no summary yet: its summary.
    async fn summary(&self, n: &Notification) -> Option<String> {
        let alert_id = n.alert_id.as_deref().filter(|_| n.summary.is_none())?;
        let sub = match self.registry.get(&n.subscription_id).await {
            Ok(Some(sub)) if sub.api_kind == ApiKind::LegacyWebhook => sub,
            Ok(_) => return None,
            Err(error) => {
                tracing::warn!(%error, "no summary: the subscription could not be read");
                return None;
            }
        };
        let summary = match self.graph.read_alert(&sub, alert_id).await {
            Ok(alert) => Summary::between(None, AlertFields::of(&alert)),
            Err(why) => {
                tracing::info!(notification = %n.id, %why, "the alert could not be read");
                Summary::unreadable()
            }
        };
        Some(summary.to_json())
    }
}

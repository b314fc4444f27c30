//! Summaries for webhook notifications. Graph's change notifications carry only the alert
//! id, and the webhook answers once the notification is durable, without waiting on Graph;
//! so this task, following the fan-out, reads each such alert with the subscription owner's
//! token and stores what the page shows with the notification. The reads keep within Graph's
//! budget for the alert API (`budget.rs`): they go 20 to a `$batch` request, an alert named
//! by several waiting notifications is read once for all of them, and what the budget does
//! not allow yet waits (`backlog.rs`). It runs while this instance holds the lease, so one
//! instance reads each alert.

mod backlog;
mod budget;

use crate::lease::Lease;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};

use super::graph::{AlertRead, GraphBackend};
use crate::notify::{
    feed::journal::Journal,
    model::{ApiKind, Notification},
    storage::Registry,
    summary::{AlertFields, Summary},
};
use backlog::Backlog;
use budget::ReadBudget;

/// How long a burst of notifications gathers before their alerts are read.
const GATHER: Duration = Duration::from_millis(100);

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
        let mut backlog = Backlog::default();
        let mut budget = ReadBudget::default();
        loop {
            if !wait_for_work(&mut published, &mut backlog, &budget).await {
                return;
            }
            if !lease.held() {
                backlog.clear();
                continue;
            }
            for tenant in backlog.tenants() {
                let now = Instant::now();
                let most = budget.available(&tenant, now);
                if most == 0 {
                    continue;
                }
                let (round, reads) = backlog.take(&tenant, most);
                budget.spend(&tenant, reads, now);
                self.enrich(round).await;
            }
        }
    }

    /// Reads the alerts of a round's notifications, one subscription at a time, and stores a
    /// summary for each notification.
    async fn enrich(&self, round: Vec<Arc<Notification>>) {
        let mut by_subscription: HashMap<&str, Vec<&Notification>> = HashMap::new();
        for n in &round {
            by_subscription
                .entry(&*n.subscription_id)
                .or_default()
                .push(n);
        }
        let mut outcome = Outcome::default();
        for (subscription_id, notes) in by_subscription {
            let sub = match self.registry.get(subscription_id).await {
                Ok(Some(sub)) if sub.api_kind == ApiKind::LegacyWebhook => sub,
                Ok(_) => continue,
                Err(error) => {
                    tracing::warn!(%error, "no summary: the subscription could not be read");
                    continue;
                }
            };
            let mut ids: Vec<&str> = notes.iter().filter_map(|n| n.alert_id.as_deref()).collect();
            ids.sort_unstable();
            ids.dedup();
            let reads = self.graph.read_alerts(&sub, &ids).await;
            for n in notes {
                let read = n.alert_id.as_deref().and_then(|id| reads.get(id));
                if let Some(summary) = outcome.summary(read) {
                    self.store(n, summary).await;
                }
            }
        }
        outcome.log();
    }

    async fn store(&self, n: &Notification, summary: Summary) {
        let mut stored = n.clone();
        stored.raw = String::new();
        if let Err(error) = self.journal.add_summary(stored, summary.to_json()).await {
            tracing::warn!(%error, "a notification's summary could not be stored");
        }
    }
}

/// Waits until a notification is published or the budget allows a read of one waiting,
/// then queues everything published meanwhile; `false` once the fan-out is gone.
async fn wait_for_work(
    published: &mut broadcast::Receiver<Arc<Notification>>,
    backlog: &mut Backlog,
    budget: &ReadBudget,
) -> bool {
    let now = Instant::now();
    let until_readable = backlog
        .tenants()
        .iter()
        .map(|tenant| budget.wait(tenant, now))
        .min();
    let mut missed = 0;
    let first = match until_readable {
        None => Some(published.recv().await),
        Some(wait) if wait.is_zero() => None,
        Some(wait) => tokio::select! {
            next = published.recv() => Some(next),
            () = tokio::time::sleep(wait) => None,
        },
    };
    match first {
        Some(Ok(n)) => {
            backlog.push(n);
            // Graph delivers changes in bursts: let the rest of this one arrive, so each alert
            // it names is read once and the reads share `$batch` requests.
            tokio::time::sleep(GATHER).await;
        }
        Some(Err(RecvError::Lagged(n))) => missed += n,
        Some(Err(RecvError::Closed)) => return false,
        None => {}
    }
    loop {
        match published.try_recv() {
            Ok(n) => backlog.push(n),
            Err(TryRecvError::Lagged(n)) => missed += n,
            Err(_) => break,
        }
    }
    // Those missed keep showing the id only: a summary is a help, not the record.
    let missed = missed as usize + backlog.take_dropped();
    if missed > 0 {
        tracing::warn!(missed, "notifications left without a summary");
    }
    true
}

/// What a round's reads came to, logged once for the round.
#[derive(Default)]
struct Outcome {
    refused: usize,
    first_refusal: Option<String>,
    throttled: usize,
}

impl Outcome {
    /// The summary a notification gets from its alert's read; `None` when it gets none.
    fn summary(&mut self, read: Option<&AlertRead>) -> Option<Summary> {
        match read? {
            AlertRead::Read(alert) => Some(Summary::between(None, AlertFields::of(alert))),
            AlertRead::Refused(why) => {
                self.refused += 1;
                self.first_refusal.get_or_insert_with(|| why.clone());
                Some(Summary::unreadable())
            }
            AlertRead::Throttled => {
                self.throttled += 1;
                None
            }
        }
    }

    fn log(&self) {
        if self.refused > 0 {
            let why = self.first_refusal.as_deref().unwrap_or_default();
            tracing::info!(
                notifications = self.refused,
                first_reason = why,
                "alerts of notifications could not be read; their summaries say so"
            );
        }
        if self.throttled > 0 {
            tracing::warn!(
                notifications = self.throttled,
                "Graph kept throttling the reads of alerts; those notifications have no summary"
            );
        }
    }
}

//! Where a v2 watch reads what changed: graphsec's mirror of its tenant when the mirror serves
//! it (a saved filter evaluated by graphsec, no Graph call), else Graph through the owner's
//! token, no more often than the watch poll interval.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;
use tokio::time::Instant;

use super::changes::{ChangeSource, PollError};
use crate::alerts::query::AlertQuery;
use crate::graph::odata;
use crate::notify::model::Subscription;
use crate::sync::Mirror;
use crate::sync::selection::Order;
use crate::sync::store::Resource;

/// The most changed alerts one read of the mirror returns for a watch.
const MAX_CHANGES: u32 = 5_000;

pub struct MirroredSource<S> {
    mirror: Mirror,
    graph: S,
    /// How often a watch whose tenant the mirror does not serve reads Graph.
    graph_every: Duration,
    last_graph_read: Mutex<HashMap<String, Instant>>,
}

impl<S> MirroredSource<S> {
    pub fn new(mirror: Mirror, graph: S, graph_every: Duration) -> Self {
        Self {
            mirror,
            graph,
            graph_every,
            last_graph_read: Mutex::default(),
        }
    }

    /// Whether the watch may read Graph now; records the read when it may.
    fn graph_due(&self, watch: &str) -> bool {
        let mut last = self
            .last_graph_read
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match last.get(watch) {
            Some(at) if now.duration_since(*at) < self.graph_every => false,
            _ => {
                last.insert(watch.to_string(), now);
                true
            }
        }
    }
}

impl<S: ChangeSource> ChangeSource for MirroredSource<S> {
    async fn changed_since(
        &self,
        sub: &Subscription,
        since: OffsetDateTime,
    ) -> Result<Vec<Value>, PollError> {
        let tenant = sub.tenant_id.to_ascii_lowercase();
        if self
            .mirror
            .serves(&tenant, Resource::Alerts)
            .await
            .is_none()
        {
            if !self.graph_due(&sub.id) {
                return Ok(Vec::new());
            }
            return self.graph.changed_since(sub, since).await;
        }
        let query: AlertQuery = serde_json::from_str(&sub.filters).unwrap_or_default();
        let me = assigned_in(&sub.resource).unwrap_or_default();
        let (_, mut selection) = query
            .to_selection(&me)
            .map_err(|e| PollError::Failed(e.to_string()))?;
        selection.updated_from_ms = Some((since.unix_timestamp_nanos() / 1_000_000) as i64);
        let bodies = self
            .mirror
            .store()
            .all(
                &tenant,
                Resource::Alerts,
                &selection,
                Order::default(),
                MAX_CHANGES,
            )
            .await
            .map_err(|e| PollError::Failed(e.to_string()))?;
        Ok(bodies
            .iter()
            .filter_map(|body| serde_json::from_str(body).ok())
            .collect())
    }
}

/// The UPN of an `assignedTo eq '…'` clause in a watch's resource (its "assigned to me").
fn assigned_in(resource: &str) -> Option<String> {
    let (_, filter) = super::changes::split_resource(resource);
    let filter = filter?;
    let at = filter.find("assignedTo eq ")?;
    odata::unquote_prefix(&filter[at + "assignedTo eq ".len()..]).map(|(upn, _)| upn)
}

#[cfg(test)]
mod tests {
    use super::assigned_in;

    #[test]
    fn the_assignee_is_read_from_the_watch_filter() {
        let resource = "security/alerts_v2?$filter=severity%20eq%20'high'%20and%20assignedTo%20eq%20'o''neil%40contoso.com'";
        assert_eq!(assigned_in(resource).as_deref(), Some("o'neil@contoso.com"));
        assert_eq!(assigned_in("security/alerts_v2"), None);
    }
}

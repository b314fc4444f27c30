//! The per-tenant Graph budget (`graph.budget_per_minute`), shared by the sync and people's
//! pages, pages first: a page never waits for it, and the sync leaves a third of it to pages.

use std::time::Duration;

use crate::graph::CallMeter;

#[derive(Debug, Clone)]
pub struct Budget {
    meter: CallMeter,
    per_minute: u32,
}

impl Budget {
    pub fn new(meter: CallMeter, per_minute: u32) -> Self {
        Self { meter, per_minute }
    }

    /// The calls a minute the sync may make while pages have made none.
    pub fn sync_share(&self) -> usize {
        (self.per_minute as usize * 2 / 3).max(1)
    }

    /// Waits until the tenant has used less than the sync's share in the last minute.
    pub async fn wait_for_sync(&self, tenant: &str) {
        loop {
            let wait = self.meter.wait_below(tenant, self.sync_share());
            if wait.is_zero() {
                return;
            }
            tracing::debug!(
                tenant,
                wait_ms = wait.as_millis() as u64,
                "sync waits for the budget"
            );
            tokio::time::sleep(wait.max(Duration::from_millis(50))).await;
        }
    }

    pub fn meter(&self) -> &CallMeter {
        &self.meter
    }
}

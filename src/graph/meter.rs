//! Graph calls counted per tenant over the last minute: Graph's security limits are per app and
//! tenant (150 `alert` requests a minute), so graphsec keeps its own count beside them. Every
//! call a metered [`super::GraphClient`] sends is counted under the tenant its token names.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::time::Instant;

const WINDOW: Duration = Duration::from_secs(60);

/// Calls per tenant in the last minute; clones share one count.
#[derive(Debug, Clone, Default)]
pub struct CallMeter {
    calls: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
}

impl CallMeter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one call made with `token` (a JWT whose `tid` names the tenant).
    pub fn record_token(&self, token: &str) {
        if let Some(tenant) = tenant_of(token) {
            self.record(&tenant);
        }
    }

    pub fn record(&self, tenant: &str) {
        let now = Instant::now();
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let window = calls.entry(tenant.to_ascii_lowercase()).or_default();
        forget_old(window, now);
        window.push_back(now);
    }

    /// The tenant's calls in the last minute.
    pub fn last_minute(&self, tenant: &str) -> usize {
        let now = Instant::now();
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        match calls.get_mut(&tenant.to_ascii_lowercase()) {
            Some(window) => {
                forget_old(window, now);
                window.len()
            }
            None => 0,
        }
    }

    /// How long until the tenant's count drops below `limit` (zero when it is already below).
    pub fn wait_below(&self, tenant: &str, limit: usize) -> Duration {
        let now = Instant::now();
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let Some(window) = calls.get_mut(&tenant.to_ascii_lowercase()) else {
            return Duration::ZERO;
        };
        forget_old(window, now);
        if window.len() < limit {
            return Duration::ZERO;
        }
        // The call that must leave the window for the count to fall below the limit.
        let leaving = window.len() - limit;
        window
            .get(leaving)
            .map(|at| (*at + WINDOW).saturating_duration_since(now))
            .unwrap_or(Duration::ZERO)
    }
}

fn forget_old(window: &mut VecDeque<Instant>, now: Instant) {
    while window
        .front()
        .is_some_and(|at| now.saturating_duration_since(*at) >= WINDOW)
    {
        window.pop_front();
    }
}

/// The `tid` claim of a JWT, read without checking its signature (Graph checks it).
fn tenant_of(token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Tid {
        tid: Option<String>,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<Tid>(&bytes).ok()?.tid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(tid: &str) -> String {
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"tid":"{tid}","roles":[]}}"#));
        format!("eyJhbGciOiJub25lIn0.{payload}.sig")
    }

    #[tokio::test(start_paused = true)]
    async fn calls_are_counted_per_tenant_for_one_minute() {
        let meter = CallMeter::new();
        meter.record_token(&token("T1"));
        meter.record_token(&token("t1"));
        meter.record_token(&token("t2"));
        meter.record_token("not a jwt");
        assert_eq!(meter.last_minute("t1"), 2);
        assert_eq!(meter.last_minute("T2"), 1);
        tokio::time::advance(Duration::from_secs(30)).await;
        meter.record("t1");
        assert_eq!(meter.wait_below("t1", 3), Duration::from_secs(30));
        assert_eq!(meter.wait_below("t1", 4), Duration::ZERO);
        tokio::time::advance(Duration::from_secs(31)).await;
        assert_eq!(meter.last_minute("t1"), 1);
        assert_eq!(meter.last_minute("t2"), 0);
    }
}

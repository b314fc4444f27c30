//! How each v2 watch is doing, shared between the watcher and the subscriptions page: a watch
//! whose polls keep failing waits longer after each failure (doubling, capped), and a throttled
//! one waits out Graph's `Retry-After`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

/// The longest wait between two polls of a failing watch.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);

/// One watch that is not polled on every round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// When its polls started failing; `None` when it is only throttled.
    pub failing_since: Option<OffsetDateTime>,
    pub failures: u32,
    pub next_try: OffsetDateTime,
}

#[derive(Clone, Debug, Default)]
pub struct WatchHealth {
    waiting: Arc<Mutex<HashMap<String, Waiting>>>,
}

impl WatchHealth {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the watch may be polled at `now`.
    pub fn due(&self, id: &str, now: OffsetDateTime) -> bool {
        self.map().get(id).is_none_or(|w| w.next_try <= now)
    }

    /// What the page shows for a watch that is waiting, if it is.
    pub fn waiting(&self, id: &str) -> Option<Waiting> {
        self.map().get(id).cloned()
    }

    pub fn succeeded(&self, id: &str) {
        self.map().remove(id);
    }

    /// Graph asked us to wait `wait`; a failing streak, if any, goes on.
    pub fn throttled(&self, id: &str, now: OffsetDateTime, wait: Duration) {
        let mut map = self.map();
        waiting_entry(&mut map, id, now).next_try = now + wait;
    }

    /// One more failure: the next try waits `interval` × 2^(failures − 1), at most
    /// [`MAX_BACKOFF`].
    pub fn failed(&self, id: &str, now: OffsetDateTime, interval: Duration) {
        let mut map = self.map();
        let entry = waiting_entry(&mut map, id, now);
        entry.failing_since.get_or_insert(now);
        entry.failures = entry.failures.saturating_add(1);
        let factor = 2u32.saturating_pow(entry.failures.saturating_sub(1).min(16));
        let wait = interval.saturating_mul(factor).min(MAX_BACKOFF);
        entry.next_try = now + wait;
    }
}

fn waiting_entry<'m>(
    map: &'m mut HashMap<String, Waiting>,
    id: &str,
    now: OffsetDateTime,
) -> &'m mut Waiting {
    map.entry(id.to_owned()).or_insert(Waiting {
        failing_since: None,
        failures: 0,
        next_try: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap_and_success_clears() {
        let health = WatchHealth::default();
        let now = OffsetDateTime::now_utc();
        let minute = Duration::from_secs(60);
        for (n, wait) in [(1, 1), (2, 2), (3, 4), (4, 8)] {
            health.failed("w", now, minute);
            let w = health.waiting("w").unwrap();
            assert_eq!(w.failures, n);
            assert_eq!(w.next_try, now + minute * wait);
            assert_eq!(w.failing_since, Some(now));
        }
        for _ in 0..20 {
            health.failed("w", now, minute);
        }
        assert_eq!(health.waiting("w").unwrap().next_try, now + MAX_BACKOFF);
        assert!(!health.due("w", now));
        health.succeeded("w");
        assert!(health.due("w", now));
        health.throttled("t", now, minute);
        assert_eq!(health.waiting("t").unwrap().failing_since, None);
    }
}

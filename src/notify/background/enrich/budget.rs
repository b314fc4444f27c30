//! How fast summaries may read alerts. Graph allows 150 requests a minute per app and tenant
//! on the security alert API, counting each request inside a `$batch`; summaries spend at most
//! two thirds of that, so the analysts' own pages keep the rest. A tenant may spend one full
//! `$batch` at once, then reads refill at the steady pace.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::graph::batch::MAX_REQUESTS;

/// Alert reads a minute for summaries, per tenant.
const READS_PER_MINUTE: f64 = 100.0;

/// Reads a tenant may spend at once.
const BURST: f64 = MAX_REQUESTS as f64;

/// What each tenant may still read (a token bucket per tenant).
#[derive(Debug, Default)]
pub struct ReadBudget {
    tenants: HashMap<String, Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    reads: f64,
    at: Instant,
}

impl ReadBudget {
    /// Whole reads `tenant` may make at `now`.
    pub fn available(&self, tenant: &str, now: Instant) -> usize {
        self.bucket(tenant, now).reads as usize
    }

    /// How long from `now` until `tenant` may make one read.
    pub fn wait(&self, tenant: &str, now: Instant) -> Duration {
        let missing = 1.0 - self.bucket(tenant, now).reads;
        Duration::from_secs_f64(missing.max(0.0) * 60.0 / READS_PER_MINUTE)
    }

    /// Takes `reads` from `tenant`'s budget at `now`.
    pub fn spend(&mut self, tenant: &str, reads: usize, now: Instant) {
        let mut bucket = self.bucket(tenant, now);
        bucket.reads = (bucket.reads - reads as f64).max(0.0);
        // A full bucket is the default: forget tenants that have not read for a while.
        self.tenants.retain(|_, b| refilled(*b, now).reads < BURST);
        self.tenants.insert(tenant.to_owned(), bucket);
    }

    fn bucket(&self, tenant: &str, now: Instant) -> Bucket {
        self.tenants.get(tenant).map_or(
            Bucket {
                reads: BURST,
                at: now,
            },
            |b| refilled(*b, now),
        )
    }
}

fn refilled(bucket: Bucket, now: Instant) -> Bucket {
    let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
    Bucket {
        reads: (bucket.reads + elapsed * READS_PER_MINUTE / 60.0).min(BURST),
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_spends_one_batch_at_once_then_reads_at_the_steady_pace() {
        let mut budget = ReadBudget::default();
        let start = Instant::now();
        assert_eq!(budget.available("t", start), 20);
        assert_eq!(budget.wait("t", start), Duration::ZERO);

        budget.spend("t", 20, start);
        assert_eq!(budget.available("t", start), 0);
        let wait = budget.wait("t", start).as_secs_f64();
        assert!((0.599..=0.601).contains(&wait), "{wait}");
        assert_eq!(budget.available("t", start + Duration::from_millis(590)), 0);
        assert_eq!(budget.available("t", start + Duration::from_millis(610)), 1);
        assert_eq!(budget.available("t", start + Duration::from_secs(6)), 10);
        assert_eq!(budget.available("t", start + Duration::from_secs(600)), 20);
    }

    #[test]
    fn tenants_have_budgets_of_their_own() {
        let mut budget = ReadBudget::default();
        let now = Instant::now();
        budget.spend("a", 20, now);
        assert_eq!(budget.available("a", now), 0);
        assert_eq!(budget.available("b", now), 20);
    }

    #[test]
    fn a_minute_of_reads_is_two_thirds_of_what_graph_allows() {
        let mut budget = ReadBudget::default();
        let start = Instant::now();
        let mut read = 0;
        for tenth in 0..600 {
            let now = start + Duration::from_millis(100 * tenth);
            let n = budget.available("t", now);
            budget.spend("t", n, now);
            read += n;
        }
        // The burst, then 100 a minute: well under Graph's 150.
        assert!((115..=120).contains(&read), "{read}");
    }
}

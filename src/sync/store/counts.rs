//! Counts kept until the mirror changes: a list's "of N" and the home page's figures are counted
//! once for each state of the mirror, not once for each page view. Every write that changes an
//! item moves the mirror to a new state, and counts taken before it are not used again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The most counts kept; past it, all are forgotten at once.
const MAX_KEPT: usize = 4_096;

#[derive(Debug, Default)]
pub struct Counts {
    state: AtomicU64,
    kept: Mutex<HashMap<String, (u64, u64)>>,
}

impl Counts {
    /// The mirror's current state, to be read before counting.
    pub fn version(&self) -> u64 {
        self.state.load(Ordering::Acquire)
    }

    /// The count kept for `key`, if the mirror has not changed since it was taken.
    pub fn get(&self, key: &str) -> Option<u64> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(version, _)| *version == self.version())
            .map(|(_, n)| *n)
    }

    /// Keeps `n`, counted in state `version`.
    pub fn put(&self, key: String, version: u64, n: u64) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_KEPT {
            kept.clear();
        }
        kept.insert(key, (version, n));
    }

    /// The mirror changed: every kept count is out of date.
    pub fn changed(&self) {
        self.state.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn a_count_is_used_until_the_mirror_changes() {
        let counts = Counts::default();
        let version = counts.version();
        counts.put("k".into(), version, 7);
        assert_eq!(counts.get("k"), Some(7));
        counts.changed();
        assert_eq!(counts.get("k"), None);
        // A count taken before a change is not used after it.
        counts.put("k".into(), version, 7);
        assert_eq!(counts.get("k"), None);
    }
}

//! Counts kept until the mirror changes: a list's "of N" and the home page's figures are counted
//! once for each version of a tenant's mirror, not once for each page view. Every write that
//! changes an item moves its tenant's version on (`mirror_versions`, in the database, so a
//! write by another instance counts too), and counts taken before it are not used again.

use std::collections::HashMap;
use std::sync::Mutex;

/// The most counts kept; past it, all are forgotten at once.
const MAX_KEPT: usize = 4_096;

#[derive(Debug, Default)]
pub struct Counts {
    kept: Mutex<HashMap<String, (i64, u64)>>,
}

impl Counts {
    /// The count kept for `key`, if it was taken at the tenant's current `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<u64> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(at, _)| *at == version)
            .map(|(_, n)| *n)
    }

    /// Keeps `n`, counted at `version`.
    pub fn put(&self, key: String, version: i64, n: u64) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_KEPT {
            kept.clear();
        }
        kept.insert(key, (version, n));
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn a_count_is_used_until_the_mirror_changes() {
        let counts = Counts::default();
        counts.put("k".into(), 3, 7);
        assert_eq!(counts.get("k", 3), Some(7));
        assert_eq!(counts.get("k", 4), None);
    }
}

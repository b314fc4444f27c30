//! What a tenant's mirror answered, kept until it changes: a list's "of N" and the home page's
//! figures (counts), and a search's sorted matches (`matches.rs`), taken once for each version
//! of the tenant's mirror rather than for each page view. Every write that changes an item moves
//! its tenant's version on (`mirror_versions`, in the database, so a write by another instance
//! counts too), and what was taken before it is not used again.

use std::collections::HashMap;
use std::sync::Mutex;

/// Answers kept by key, each with the version it was taken at and its weight; past `max_weight`
/// in all, everything is forgotten at once.
#[derive(Debug)]
pub struct Kept<T> {
    max_weight: usize,
    weight: fn(&T) -> usize,
    kept: Mutex<Entries<T>>,
}

/// Each key's version and answer, and their weight in all.
type Entries<T> = (HashMap<String, (i64, T)>, usize);

impl<T: Clone> Kept<T> {
    pub fn new(max_weight: usize, weight: fn(&T) -> usize) -> Self {
        Self {
            max_weight,
            weight,
            kept: Mutex::default(),
        }
    }

    /// What is kept for `key`, if it was taken at the tenant's current `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<T> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.0
            .get(key)
            .filter(|(at, _)| *at == version)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value`, taken at `version`.
    pub fn put(&self, key: String, version: i64, value: T) {
        let weight = (self.weight)(&value).max(1);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let (map, total) = &mut *kept;
        if *total + weight > self.max_weight {
            map.clear();
            *total = 0;
        }
        *total += weight;
        if let Some((_, old)) = map.insert(key, (version, value)) {
            *total -= (self.weight)(&old).max(1);
        }
    }
}

/// The most counts kept.
const MAX_COUNTS: usize = 4_096;

/// Counts by selection.
pub fn counts() -> Kept<u64> {
    Kept::new(MAX_COUNTS, |_| 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_used_until_the_mirror_changes() {
        let counts = counts();
        counts.put("k".into(), 3, 7);
        assert_eq!(counts.get("k", 3), Some(7));
        assert_eq!(counts.get("k", 4), None);
    }

    #[test]
    fn past_the_weight_everything_is_forgotten() {
        let kept: Kept<u64> = Kept::new(5, |n| *n as usize);
        kept.put("a".into(), 1, 2);
        kept.put("a".into(), 1, 2);
        kept.put("b".into(), 1, 2);
        assert_eq!(
            (kept.get("a", 1), kept.get("b", 1)),
            (Some(2), Some(2)),
            "a replaced entry weighs once"
        );
        kept.put("c".into(), 1, 2);
        assert_eq!((kept.get("a", 1), kept.get("c", 1)), (None, Some(2)));
    }
}

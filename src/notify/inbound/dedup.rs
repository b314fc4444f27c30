//! Replays and repeats: the same change (subscription, alert, change type) delivered again
//! within a few minutes is stored once. Held in memory and decided once per batch under one
//! lock, so the hot path runs no query for it. A key is claimed before its batch commits and
//! released if the commit fails, so Graph's retry of a refused delivery is still stored.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::notify::model::NewNotification;

/// How long a change counts as already stored.
pub const WINDOW: Duration = Duration::from_secs(300);

/// Past this many keys, expired ones are pruned (at most every [`PRUNE_EVERY`]).
const PRUNE_ABOVE: usize = 50_000;
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Memory bound: past this many live keys, they are all forgotten (repeats are then stored).
const MAX_KEYS: usize = 500_000;

type Key = (String, String, String);

#[derive(Debug, Default)]
struct Seen {
    keys: HashMap<Key, Instant>,
    pruned_at: Option<Instant>,
}

impl Seen {
    fn prune(&mut self, now: Instant) {
        let due = self
            .pruned_at
            .is_none_or(|at| now.duration_since(at) >= PRUNE_EVERY);
        if self.keys.len() > PRUNE_ABOVE && due {
            self.keys.retain(|_, at| now.duration_since(*at) < WINDOW);
            self.pruned_at = Some(now);
        }
        if self.keys.len() > MAX_KEYS {
            self.keys.clear();
        }
    }
}

#[derive(Debug, Default)]
pub struct RecentChanges {
    seen: Mutex<Seen>,
}

/// The notifications of a batch not seen within the window, and the keys they claimed.
pub struct Claimed {
    pub fresh: Vec<NewNotification>,
    pub keys: Vec<Key>,
    pub duplicates: usize,
}

impl RecentChanges {
    /// Drops the batch's repeats of changes stored (or being stored) within the window.
    /// Notifications without an alert id are always kept.
    pub fn claim(&self, batch: Vec<NewNotification>) -> Claimed {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.prune(now);
        let seen = &mut seen.keys;
        let mut claimed = Claimed {
            fresh: Vec::with_capacity(batch.len()),
            keys: Vec::new(),
            duplicates: 0,
        };
        for note in batch {
            let Some(alert_id) = note.alert_id.clone() else {
                claimed.fresh.push(note);
                continue;
            };
            let key = (
                note.subscription_id.clone(),
                alert_id,
                note.change_type.clone(),
            );
            match seen.get(&key) {
                Some(at) if now.duration_since(*at) < WINDOW => claimed.duplicates += 1,
                _ => {
                    seen.insert(key.clone(), now);
                    claimed.keys.push(key);
                    claimed.fresh.push(note);
                }
            }
        }
        claimed
    }

    /// Forgets keys whose batch was not stored.
    pub fn release(&self, keys: Vec<Key>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            seen.keys.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::note;

    #[test]
    fn a_change_is_kept_once_within_the_window_and_again_after_a_release() {
        let recent = RecentChanges::default();
        let first = recent.claim(vec![note("t", "a"), note("t", "a"), note("t", "b")]);
        assert_eq!((first.fresh.len(), first.duplicates), (2, 1));
        let again = recent.claim(vec![note("t", "a")]);
        assert_eq!((again.fresh.len(), again.duplicates), (0, 1));
        recent.release(first.keys);
        assert_eq!(recent.claim(vec![note("t", "a")]).fresh.len(), 1);
        let mut other_change = note("t", "b");
        other_change.change_type = "deleted".into();
        assert_eq!(recent.claim(vec![other_change]).fresh.len(), 1);
    }
}

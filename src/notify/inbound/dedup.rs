//! Replays and repeats: the same change (subscription, alert, change type) delivered again
//! within a few minutes is stored once. Held in memory and decided once per batch under one
//! lock, so the hot path runs no query for it. A key is claimed before its batch commits and
//! released if the commit fails, so Graph's retry of a refused delivery is still stored.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::notify::model::NewNotification;

/// How long a change counts as already stored.
pub const WINDOW: Duration = Duration::from_secs(300);

/// Keys per generation (two are kept, at about 28 bytes a key some 6 MB): a key is remembered
/// for the window or for this many later keys, whichever ends first (a repeat after that is
/// stored again). Graph repeats a delivery within minutes; up to 333 notifications a second
/// that is the whole window.
const MAX_KEYS: usize = 100_000;

/// A change's (subscription, alert, change type), hashed with this process's random key: no
/// allocation per notification, and nobody outside can make two changes collide on purpose.
type Key = u64;

type Keys = HashMap<Key, Instant, BuildHasherDefault<AlreadyHashed>>;

/// The keys in two generations, each with when it was claimed. Forgetting is done a whole
/// generation at a time, so no key is looked up again to expire it.
#[derive(Debug)]
struct Seen {
    /// Keys claimed since `started`.
    current: Keys,
    started: Instant,
    /// Keys claimed in the generation before.
    previous: Keys,
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            current: Keys::default(),
            started: Instant::now(),
            previous: Keys::default(),
        }
    }
}

impl Seen {
    /// Starts a new generation once the current one is a window old or full, forgetting the
    /// one before: a key outlives its own generation by a whole one.
    fn rotate(&mut self, now: Instant) {
        if now.duration_since(self.started) >= WINDOW || self.current.len() >= MAX_KEYS {
            std::mem::swap(&mut self.current, &mut self.previous);
            self.current.clear();
            self.started = now;
        }
    }

    /// Claims `key` unless it was claimed within the window.
    fn claim(&mut self, key: Key, now: Instant) -> bool {
        let recent = |at: &Instant| now.duration_since(*at) < WINDOW;
        match self.current.entry(key) {
            Entry::Occupied(at) if recent(at.get()) => false,
            Entry::Occupied(mut at) => {
                *at.get_mut() = now;
                true
            }
            Entry::Vacant(slot) => {
                if self.previous.get(&key).is_some_and(recent) {
                    return false;
                }
                slot.insert(now);
                true
            }
        }
    }
}

/// The keys are already random hashes: the map uses them as they are.
#[derive(Debug, Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[derive(Debug, Default)]
pub struct RecentChanges {
    /// Outside the lock, and never written: keys are hashed before it is taken.
    hasher: RandomState,
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
        self.claim_at(batch, Instant::now())
    }

    fn claim_at(&self, mut batch: Vec<NewNotification>, now: Instant) -> Claimed {
        // Hashed before the lock, which then covers only the maps; the batch stays in place
        // (a notification is 168 bytes) and loses only its repeats.
        let keys: Vec<Option<Key>> = batch
            .iter()
            .map(|note| note.alert_id.as_deref().map(|id| self.key(note, id)))
            .collect();
        let mut kept = Vec::with_capacity(batch.len());
        let mut claimed = Vec::with_capacity(batch.len());
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            for key in keys {
                // Notifications without an alert id are always kept.
                let keep = key.is_none_or(|key| {
                    seen.rotate(now);
                    let fresh = seen.claim(key, now);
                    if fresh {
                        claimed.push(key);
                    }
                    fresh
                });
                kept.push(keep);
            }
        }
        let duplicates = kept.iter().filter(|keep| !**keep).count();
        if duplicates > 0 {
            let mut decisions = kept.into_iter();
            batch.retain(|_| decisions.next().unwrap_or(true));
        }
        Claimed {
            fresh: batch,
            keys: claimed,
            duplicates,
        }
    }

    fn key(&self, note: &NewNotification, alert_id: &str) -> Key {
        self.hasher
            .hash_one((&note.subscription_id, alert_id, &note.change_type))
    }

    /// Forgets keys whose batch was not stored.
    pub fn release(&self, keys: Vec<Key>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            seen.current.remove(&key);
            seen.previous.remove(&key);
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
        let kept: Vec<_> = first.fresh.iter().map(|n| n.alert_id.as_deref()).collect();
        assert_eq!(kept, [Some("a"), Some("b")], "in the batch's order");
        let again = recent.claim(vec![note("t", "a")]);
        assert_eq!((again.fresh.len(), again.duplicates), (0, 1));
        recent.release(first.keys);
        assert_eq!(recent.claim(vec![note("t", "a")]).fresh.len(), 1);
        let mut other_change = note("t", "b");
        other_change.change_type = "deleted".into();
        assert_eq!(recent.claim(vec![other_change]).fresh.len(), 1);
    }

    #[test]
    fn a_change_counts_again_after_the_window_and_the_oldest_go_first_past_the_bound() {
        let recent = RecentChanges::default();
        let start = Instant::now();
        assert_eq!(recent.claim_at(vec![note("t", "a")], start).fresh.len(), 1);
        let later = start + WINDOW / 2;
        assert_eq!(recent.claim_at(vec![note("t", "a")], later).duplicates, 1);
        let after = start + WINDOW;
        assert_eq!(recent.claim_at(vec![note("t", "a")], after).fresh.len(), 1);

        // "a" is remembered for MAX_KEYS later keys, then forgotten before the newest are.
        let many = |from: usize| -> Vec<_> {
            (from..from + MAX_KEYS)
                .map(|i| note("t", &format!("m{i}")))
                .collect()
        };
        assert_eq!(recent.claim_at(many(0), after).fresh.len(), MAX_KEYS);
        assert_eq!(recent.claim_at(vec![note("t", "a")], after).duplicates, 1);
        assert_eq!(recent.claim_at(many(MAX_KEYS), after).fresh.len(), MAX_KEYS);
        let seen = recent.seen.lock().unwrap();
        assert!(seen.current.len() + seen.previous.len() <= 2 * MAX_KEYS);
        drop(seen);
        let newest = note("t", &format!("m{}", 2 * MAX_KEYS - 1));
        assert_eq!(recent.claim_at(vec![newest], after).duplicates, 1);
        assert_eq!(recent.claim_at(vec![note("t", "a")], after).fresh.len(), 1);
    }
}

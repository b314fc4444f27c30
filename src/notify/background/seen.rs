//! What each v2 watch last saw of each alert, so a change can say what changed. Kept in
//! memory by the instance that polls: after a restart (or a move of the lease) a watch's
//! next change of an alert shows the current values only, which is still true.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::notify::model::NewNotification;
use crate::notify::summary::{AlertFields, Summary};

/// Alerts remembered per watch; past this the watch starts afresh rather than grow forever.
const PER_WATCH: usize = 10_000;

#[derive(Debug, Default)]
pub struct Seen {
    watches: Mutex<HashMap<String, HashMap<String, AlertFields>>>,
}

impl Seen {
    /// Gives each notification of `watch` its summary against the state seen before; returns
    /// the states to [`remember`](Self::remember) once the notifications are stored (a failed
    /// store is polled again, and must compare with the same previous state).
    pub fn summarize(
        &self,
        watch: &str,
        batch: &mut [NewNotification],
    ) -> Vec<(String, AlertFields)> {
        let watches = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        let before = watches.get(watch);
        let mut now = Vec::with_capacity(batch.len());
        for note in batch {
            let Some(id) = note.alert_id.clone() else {
                continue;
            };
            let alert: Value = serde_json::from_str(&note.raw).unwrap_or_default();
            let fields = AlertFields::of(&alert);
            let previous = before.and_then(|b| b.get(&id));
            note.summary = Some(Summary::between(previous, fields.clone()).to_json());
            now.push((id, fields));
        }
        now
    }

    pub fn remember(&self, watch: &str, states: Vec<(String, AlertFields)>) {
        let mut watches = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        let alerts = watches.entry(watch.to_owned()).or_default();
        if alerts.len() + states.len() > PER_WATCH {
            alerts.clear();
        }
        alerts.extend(states);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::note;

    fn polled(status: &str) -> NewNotification {
        let mut n = note("t", "a1");
        n.raw = serde_json::json!({"id": "a1", "status": status}).to_string();
        n
    }

    #[test]
    fn a_second_change_is_compared_with_the_first_once_it_was_stored() {
        let seen = Seen::default();
        let mut first = [polled("new")];
        let states = seen.summarize("w", &mut first);
        let summary = |n: &NewNotification| Summary::from_json(n.summary.as_deref().unwrap());
        assert!(summary(&first[0]).unwrap().changes.is_empty());
        let mut again = [polled("inProgress")];
        seen.summarize("w", &mut again);
        assert!(
            summary(&again[0]).unwrap().changes.is_empty(),
            "not stored yet"
        );
        seen.remember("w", states);
        seen.summarize("w", &mut again);
        let changes = summary(&again[0]).unwrap().changes;
        assert_eq!(changes[0].from.as_deref(), Some("new"));
        let mut other = [polled("inProgress")];
        seen.summarize("other watch", &mut other);
        assert!(summary(&other[0]).unwrap().changes.is_empty());
    }
}

//! Webhook notifications waiting for their alert to be read, oldest first. It is bounded:
//! once full, the oldest go without a summary (they keep showing the alert id), since the
//! reads are paced and a longer queue would only be read long after anyone looked.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use crate::notify::model::Notification;

/// Most notifications waiting: ten minutes of reads at the budget's pace.
const MOST_WAITING: usize = 1_000;

#[derive(Debug, Default)]
pub struct Backlog {
    waiting: VecDeque<Arc<Notification>>,
    /// Notifications let go unread since [`take_dropped`](Self::take_dropped) last asked.
    dropped: usize,
}

impl Backlog {
    /// Queues `n` when it names an alert and has no summary yet.
    pub fn push(&mut self, n: Arc<Notification>) {
        if n.alert_id.is_none() || n.summary.is_some() {
            return;
        }
        if self.waiting.len() == MOST_WAITING {
            self.waiting.pop_front();
            self.dropped += 1;
        }
        self.waiting.push_back(n);
    }

    pub fn clear(&mut self) {
        self.waiting.clear();
    }

    /// The tenants that have notifications waiting, each once.
    pub fn tenants(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.waiting
            .iter()
            .filter(|n| seen.insert(&*n.tenant_id))
            .map(|n| n.tenant_id.to_string())
            .collect()
    }

    /// Takes `tenant`'s notifications of its first `most` distinct alerts (all notifications
    /// of each, however many times it was named); returns them and how many alerts they name.
    pub fn take(&mut self, tenant: &str, most: usize) -> (Vec<Arc<Notification>>, usize) {
        let mut alerts: HashSet<(String, String)> = HashSet::new();
        for n in self.waiting.iter().filter(|n| &*n.tenant_id == tenant) {
            if alerts.len() == most {
                break;
            }
            alerts.insert(key(n));
        }
        let (taken, kept) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|n| &*n.tenant_id == tenant && alerts.contains(&key(n)));
        self.waiting = kept;
        (taken.into(), alerts.len())
    }

    /// How many were let go unread since the last call.
    pub fn take_dropped(&mut self) -> usize {
        std::mem::take(&mut self.dropped)
    }
}

/// An alert as read: with its subscription's owner token.
fn key(n: &Notification) -> (String, String) {
    (
        n.subscription_id.to_string(),
        n.alert_id.clone().unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::notify::model::{EventId, note};

    fn stored(tenant: &str, alert: &str, id: u64) -> Arc<Notification> {
        Arc::new(note(tenant, alert).stored(EventId::row(id), OffsetDateTime::now_utc()))
    }

    fn alerts(notes: &[Arc<Notification>]) -> Vec<&str> {
        notes.iter().filter_map(|n| n.alert_id.as_deref()).collect()
    }

    #[test]
    fn an_alert_named_again_is_taken_with_its_first_notification() {
        let mut backlog = Backlog::default();
        for (i, alert) in ["a", "b", "a", "c", "b"].into_iter().enumerate() {
            backlog.push(stored("t", alert, i as u64 + 1));
        }
        let (taken, reads) = backlog.take("t", 2);
        assert_eq!(reads, 2);
        assert_eq!(alerts(&taken), ["a", "b", "a", "b"]);
        let (rest, reads) = backlog.take("t", 20);
        assert_eq!((alerts(&rest), reads), (vec!["c"], 1));
        assert!(backlog.tenants().is_empty());
    }

    #[test]
    fn only_the_tenant_asked_for_is_taken() {
        let mut backlog = Backlog::default();
        backlog.push(stored("t1", "a", 1));
        backlog.push(stored("t2", "b", 2));
        backlog.push(stored("t1", "c", 3));
        assert_eq!(backlog.tenants(), ["t1", "t2"]);
        let (taken, _) = backlog.take("t2", 20);
        assert_eq!(alerts(&taken), ["b"]);
        assert_eq!(backlog.tenants(), ["t1"]);
    }

    #[test]
    fn when_full_the_oldest_go_unread_and_are_counted() {
        let mut backlog = Backlog::default();
        for i in 0..MOST_WAITING as u64 + 3 {
            backlog.push(stored("t", &format!("a{i}"), i + 1));
        }
        assert_eq!(backlog.take_dropped(), 3);
        assert_eq!(backlog.take_dropped(), 0);
        let (taken, _) = backlog.take("t", 1);
        assert_eq!(alerts(&taken), ["a3"]);
    }

    #[test]
    fn notifications_with_a_summary_or_no_alert_do_not_wait() {
        let mut backlog = Backlog::default();
        let mut summarized = note("t", "a");
        summarized.summary = Some("{}".into());
        backlog.push(Arc::new(
            summarized.stored(EventId::row(1), OffsetDateTime::now_utc()),
        ));
        let mut no_alert = note("t", "b");
        no_alert.alert_id = None;
        backlog.push(Arc::new(
            no_alert.stored(EventId::row(2), OffsetDateTime::now_utc()),
        ));
        assert!(backlog.tenants().is_empty());
    }
}

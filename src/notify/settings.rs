//! `[notify]` settings: subscription lifetime and the cadence of the background tasks.

use std::time::Duration;

use serde::Deserialize;

use super::{manager::Lifetimes, plan::MAX_LIFETIME};

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct NotifySettings {
    /// Lifetime of a new or renewed subscription, minutes (Graph allows up to 43200).
    pub subscription_minutes: i64,
    /// Renew subscriptions that expire within this many minutes.
    pub renew_before_minutes: i64,
    /// How often the renewal task runs, seconds.
    pub renew_interval_secs: u64,
    /// How often the v2 watcher polls alerts_v2, seconds.
    pub poll_interval_secs: u64,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            subscription_minutes: 4_320,
            renew_before_minutes: 1_440,
            renew_interval_secs: 300,
            poll_interval_secs: 30,
        }
    }
}

impl NotifySettings {
    pub fn lifetimes(&self) -> Lifetimes {
        let lifetime = time::Duration::minutes(self.subscription_minutes.max(1)).min(MAX_LIFETIME);
        Lifetimes {
            lifetime,
            renew_before: time::Duration::minutes(self.renew_before_minutes.max(0)),
        }
    }

    pub fn renew_every(&self) -> Duration {
        Duration::from_secs(self.renew_interval_secs.max(1))
    }

    pub fn poll_every(&self) -> Duration {
        Duration::from_secs(self.poll_interval_secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_clamped_to_what_graph_allows() {
        let s = NotifySettings {
            subscription_minutes: 100_000,
            renew_before_minutes: -5,
            ..NotifySettings::default()
        };
        let l = s.lifetimes();
        assert_eq!(l.lifetime, MAX_LIFETIME);
        assert_eq!(l.renew_before, time::Duration::ZERO);
    }
}

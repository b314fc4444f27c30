//! The cap on open connections. When it is reached, the connection that has waited longest for
//! a request is closed to make room, so clients holding sockets open without asking anything
//! cannot lock out Graph's deliveries, health checks or people; connections answering a request
//! (a page, a live stream) are never closed for it. With none idle, the new connection is refused.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::activity::Activity;

pub struct Connections {
    cap: usize,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
}

/// A connection's place under the cap, given back when dropped.
pub struct Admitted {
    id: u64,
    pub activity: Arc<Activity>,
    connections: Arc<Connections>,
}

impl Connections {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap: cap.max(1),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
        })
    }

    /// A place for a new connection, evicting the longest-idle one when the cap is reached;
    /// `None` when every open connection is answering a request.
    pub fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= self.cap {
            let longest_idle = open
                .iter()
                .filter(|(_, activity)| activity.is_idle())
                .min_by_key(|(_, activity)| activity.waiting_since())
                .map(|(id, _)| *id)?;
            if let Some(evicted) = open.remove(&longest_idle) {
                evicted.evict();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new());
        open.insert(id, Arc::clone(&activity));
        Some(Admitted {
            id,
            activity,
            connections: Arc::clone(self),
        })
    }

    #[cfg(test)]
    fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.connections
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::activity::{Closing, Timeouts};
    use super::*;

    /// Whether `admitted` has been told to close.
    async fn evicted(admitted: &Admitted) -> bool {
        let long = Timeouts {
            header_read: Duration::from_secs(60),
            keep_alive: Duration::from_secs(60),
        };
        matches!(
            tokio::time::timeout(Duration::ZERO, admitted.activity.closing(&long)).await,
            Ok(Closing::Evicted)
        )
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_cap_the_longest_idle_connection_makes_room() {
        let connections = Connections::new(2);
        let first = connections.admit().unwrap();
        tokio::time::advance(Duration::from_secs(1)).await;
        let second = connections.admit().unwrap();
        let third = connections.admit().expect("room made");
        assert_eq!(connections.open(), 2);
        assert!(evicted(&first).await, "the longest idle was evicted");
        assert!(!evicted(&second).await);
        drop((first, second, third));
        assert_eq!(connections.open(), 0);
    }

    #[test]
    fn a_full_cap_of_busy_connections_refuses_a_new_one() {
        let connections = Connections::new(1);
        let busy = connections.admit().unwrap();
        busy.activity.request_started();
        assert!(connections.admit().is_none());
    }
}

//! Fan-out across instances: every instance reads the notification stream itself (XREAD
//! BLOCK on a connection of its own) and hands each entry to its in-process hub, so each of
//! its viewers gets every notification of their tenant once, in stream order, whichever
//! instance accepted it. `publish` (called by the group commit on the accepting instance)
//! therefore does nothing: that instance's reader delivers its own appends too.
//!
//! The reader starts at the stream's newest id and always continues from the last id it
//! handed on, so a lost connection (Redis restarting) delays delivery but drops nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tower_sessions_redis_store::fred::prelude::*;

use super::{keys, log};
use crate::notify::model::Notification;
use crate::notify::storage::{FanOut, hub::Hub};

/// How long one XREAD waits for new entries.
const BLOCK_MS: u64 = 2_000;
/// Most entries handed on per read.
const COUNT: u64 = 1_000;
/// Pause before trying again after Redis failed.
const RETRY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct StreamFanOut {
    hub: Hub,
}

impl StreamFanOut {
    /// The fan-out, with its reader started on a connection of its own.
    pub async fn start(pool: &Pool) -> Self {
        let hub = Hub::new();
        let client = pool.next().clone_new();
        let reader = Reader {
            hub: hub.clone(),
            client,
        };
        let from = reader.newest().await;
        tokio::spawn(reader.run(from));
        Self { hub }
    }
}

impl FanOut for StreamFanOut {
    fn publish(&self, _: Arc<Notification>) {}

    fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.hub.subscribe()
    }

    fn receivers(&self) -> usize {
        self.hub.receivers()
    }
}

struct Reader {
    hub: Hub,
    client: Client,
}

type Entries = Vec<(String, HashMap<String, String>)>;

impl Reader {
    /// The id after which live delivery starts: the stream's newest now (`None` while Redis
    /// cannot say; the reader asks again when it can).
    async fn newest(&self) -> Option<String> {
        if !self.client.is_connected() {
            let _ = self.client.init().await;
        }
        let newest: Entries = self
            .client
            .xrevrange_values(keys::NOTIFICATIONS, "+", "-", Some(1))
            .await
            .inspect_err(|error| tracing::warn!(%error, "cannot read the notification stream yet"))
            .ok()?;
        Some(newest.into_iter().next().map_or("0-0".into(), |(id, _)| id))
    }

    async fn run(self, mut from: Option<String>) {
        loop {
            let Some(last) = from.clone() else {
                from = self.newest().await;
                if from.is_none() {
                    tokio::time::sleep(RETRY).await;
                }
                continue;
            };
            let read: FredResult<HashMap<String, Entries>> = self
                .client
                .xread_map(
                    Some(COUNT),
                    Some(BLOCK_MS),
                    keys::NOTIFICATIONS,
                    last.as_str(),
                )
                .await;
            match read {
                Ok(read) => {
                    let entries = read.into_values().flatten();
                    for entry in entries {
                        let id = entry.0.clone();
                        match log::read(entry, None) {
                            Ok(Some(mut n)) => {
                                n.raw = String::new();
                                self.hub.publish(Arc::new(n));
                            }
                            Ok(None) => {}
                            Err(error) => tracing::warn!(%error, "skipping a stream entry"),
                        }
                        from = Some(id);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "reading the notification stream failed; retrying");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    }
}

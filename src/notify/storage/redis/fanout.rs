//! Fan-out across instances: every instance follows `keys::APPENDED` (XREAD BLOCK on a
//! connection of its own), and for each tenant named there reads the tenant's log on from the
//! last entry it handed on, giving each entry to its in-process hub. So each of its viewers
//! gets every notification of their tenant once, in the tenant's stream order, whichever
//! instance accepted it. `publish` (called by the group commit on the accepting instance)
//! therefore does nothing: that instance's reader delivers its own appends too.
//!
//! The reader starts at the newest entry of `APPENDED` and the time Redis gives, and always
//! continues from the last ids it handed on, so a lost connection (Redis restarting) delays
//! delivery but drops nothing. A read that times out with nothing new is simply read again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tower_sessions_redis_store::fred::prelude::*;
use tower_sessions_redis_store::fred::types::CustomCommand;

use super::{keys, log};
use crate::notify::model::Notification;
use crate::notify::storage::{FanOut, hub::Hub};

/// How long one XREAD waits for new entries.
const BLOCK_MS: u64 = 2_000;
/// Most entries read per command.
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
        let mut reader = Reader {
            hub: hub.clone(),
            client,
            place: None,
        };
        reader.place = reader.start_place().await;
        tokio::spawn(reader.run());
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

/// Where the reader stands: the last entry of `APPENDED` it read, and per tenant the last
/// notification it handed on (a tenant not seen yet starts after `since`, the reader's start).
struct Place {
    appended: String,
    since: String,
    tenants: HashMap<String, String>,
}

struct Reader {
    hub: Hub,
    client: Client,
    place: Option<Place>,
}

type Entries = Vec<(String, HashMap<String, String>)>;

impl Reader {
    /// Where live delivery starts: after the newest entry of `APPENDED` and the present time
    /// on Redis's clock, which stamps stream ids (`None` while Redis cannot say; the reader
    /// asks again when it can).
    async fn start_place(&self) -> Option<Place> {
        if !self.client.is_connected() {
            let _ = self.client.init().await;
        }
        let started = async {
            let newest: Entries = self
                .client
                .xrevrange_values(keys::APPENDED, "+", "-", Some(1))
                .await?;
            let time = CustomCommand::new_static("TIME", None, false);
            let (seconds, micros): (String, String) =
                self.client.custom(time, Vec::<Value>::new()).await?;
            Ok::<_, Error>((newest, seconds, micros))
        };
        let (newest, seconds, micros) = started
            .await
            .inspect_err(|error| tracing::warn!(%error, "cannot read the notification stream yet"))
            .ok()?;
        let millis = seconds.parse::<u64>().unwrap_or(0).saturating_mul(1000)
            + micros.parse::<u64>().unwrap_or(0) / 1000;
        Some(Place {
            appended: newest.into_iter().next().map_or("0-0".into(), |(id, _)| id),
            // A millisecond early: what is appended as the reader starts is handed on too.
            since: format!("{}-0", millis.saturating_sub(1)),
            tenants: HashMap::new(),
        })
    }

    async fn run(mut self) {
        loop {
            let Some(mut place) = self.place.take() else {
                self.place = self.start_place().await;
                if self.place.is_none() {
                    tokio::time::sleep(RETRY).await;
                }
                continue;
            };
            if let Err(error) = self.read(&mut place).await {
                tracing::warn!(%error, "reading the notification stream failed; retrying");
                tokio::time::sleep(RETRY).await;
            }
            self.place = Some(place);
        }
    }

    /// Waits for appends, then hands on the new entries of each tenant named.
    async fn read(&self, place: &mut Place) -> Result<(), Error> {
        // Raw: a read that times out answers nil, which is no map of streams.
        let read: Value = self
            .client
            .xread(
                Some(COUNT),
                Some(BLOCK_MS),
                keys::APPENDED,
                place.appended.as_str(),
            )
            .await?;
        if read.is_null() {
            return Ok(());
        }
        let read: HashMap<String, Entries> = read.into_xread_response()?;
        let mut tenants: Vec<String> = Vec::new();
        for (id, mut fields) in read.into_values().flatten() {
            if let Some(tenant) = fields.remove("tenant")
                && !tenants.contains(&tenant)
            {
                tenants.push(tenant);
            }
            place.appended = id;
        }
        for tenant in tenants {
            self.hand_on(place, &tenant).await?;
        }
        Ok(())
    }

    /// Every entry of `tenant`'s log after the last one handed on.
    async fn hand_on(&self, place: &mut Place, tenant: &str) -> Result<(), Error> {
        let mut last = place.tenants.get(tenant).unwrap_or(&place.since).clone();
        loop {
            let entries: Entries = self
                .client
                .xrange_values(
                    keys::notifications(tenant),
                    format!("({last}"),
                    "+",
                    Some(COUNT),
                )
                .await?;
            let full = entries.len() as u64 == COUNT;
            for entry in entries {
                last = entry.0.clone();
                match log::read(entry, Some(tenant)) {
                    Ok(Some(n)) => self.hub.publish(Arc::new(n)),
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "skipping a stream entry"),
                }
            }
            place.tenants.insert(tenant.to_string(), last.clone());
            if !full {
                return Ok(());
            }
        }
    }
}

//! One tenant's notification stream: the backlog from the log, then live ones from the
//! fan-out, with no gap and no duplicate.
//!
//! The stream subscribes to the fan-out *before* reading the log, so anything committed
//! after the read is still received live; anything read from the log and received
//! again live is dropped by id (the journal publishes in id order). A stream that falls
//! behind the fan-out's buffer goes back to the log from the last id it sent.

use std::{collections::VecDeque, sync::Arc};

use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use super::history::History;
use crate::notify::model::{EventId, Notification};
use crate::notify::storage::{FanOut, StorageError};

/// Rows read from the log per query while catching up.
const PAGE: u32 = 200;

/// Where a stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Everything after this id (a reconnect with `Last-Event-ID`).
    After(EventId),
    /// The newest `n` stored notifications first (a fresh page load).
    Recent(u32),
}

struct State {
    history: History,
    rx: broadcast::Receiver<Arc<Notification>>,
    tenant_id: String,
    start: Option<Resume>,
    last_id: EventId,
    catching_up: bool,
    pending: VecDeque<Arc<Notification>>,
}

/// The stream of `tenant_id`'s notifications starting at `from`. It ends on a store
/// error (logged) or when the hub is dropped; the browser then reconnects and resumes.
pub fn tenant_stream(
    history: History,
    hub: &dyn FanOut,
    tenant_id: String,
    from: Resume,
) -> impl Stream<Item = Arc<Notification>> + Send + 'static {
    let state = State {
        rx: hub.subscribe(),
        history,
        tenant_id,
        start: Some(from),
        last_id: EventId::default(),
        catching_up: false,
        pending: VecDeque::new(),
    };
    futures::stream::unfold(state, |mut st| async move {
        let next = st.next().await?;
        Some((next, st))
    })
}

impl State {
    async fn next(&mut self) -> Option<Arc<Notification>> {
        loop {
            if let Some(n) = self.pending.pop_front() {
                self.last_id = n.id;
                return Some(n);
            }
            if let Some(start) = self.start.take() {
                self.load_start(start).await.ok()?;
                continue;
            }
            if self.catching_up {
                self.load_page().await.ok()?;
                continue;
            }
            match self.rx.recv().await {
                Ok(n) if *n.tenant_id == *self.tenant_id && n.id > self.last_id => {
                    self.last_id = n.id;
                    return Some(n);
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "notification stream lagged; reading the log");
                    self.catching_up = true;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    async fn load_start(&mut self, start: Resume) -> Result<(), StorageError> {
        match start {
            Resume::After(id) => {
                self.last_id = id;
                self.catching_up = true;
            }
            Resume::Recent(n) => {
                let rows = self
                    .history
                    .recent(&self.tenant_id, n)
                    .await
                    .inspect_err(log)?;
                self.pending.extend(rows);
            }
        }
        Ok(())
    }

    async fn load_page(&mut self) -> Result<(), StorageError> {
        let rows = self
            .history
            .after(&self.tenant_id, self.last_id, PAGE)
            .await
            .inspect_err(log)?;
        if rows.len() < PAGE as usize {
            self.catching_up = false;
        }
        self.pending.extend(rows);
        Ok(())
    }
}

fn log(error: &StorageError) {
    tracing::error!(%error, "reading notifications for a stream failed");
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures::StreamExt;

    use super::*;
    use crate::notify::{feed::journal::Journal, model::note, storage::sqlite};

    async fn journal() -> Journal {
        Journal::over(&sqlite::in_memory().await)
    }

    async fn take(stream: impl Stream<Item = Arc<Notification>>, n: usize) -> Vec<String> {
        let items =
            tokio::time::timeout(Duration::from_secs(5), stream.take(n).collect::<Vec<_>>());
        let items = items.await.expect("stream delivered in time");
        items.iter().map(|n| n.alert_id.clone().unwrap()).collect()
    }

    #[tokio::test]
    async fn a_fresh_stream_gives_history_then_live_in_order() {
        let j = journal().await;
        j.append(&[note("a", "1"), note("a", "2"), note("b", "x")])
            .await
            .unwrap();
        let stream = tenant_stream(
            History::new(j.log().clone()),
            j.fanout().as_ref(),
            "a".into(),
            Resume::Recent(10),
        );
        j.append(&[note("b", "y"), note("a", "3")]).await.unwrap();
        assert_eq!(take(stream, 3).await, ["1", "2", "3"]);
    }

    #[tokio::test]
    async fn resume_after_an_id_loses_nothing_and_repeats_nothing() {
        let j = journal().await;
        let first = j.append(&[note("a", "1"), note("a", "2")]).await.unwrap();
        j.append(&[note("a", "3")]).await.unwrap();
        let stream = tenant_stream(
            History::new(j.log().clone()),
            j.fanout().as_ref(),
            "a".into(),
            Resume::After(first[0]),
        );
        let writer = j.clone();
        tokio::spawn(async move {
            for i in 4..=6 {
                writer.append(&[note("a", &i.to_string())]).await.unwrap();
            }
        });
        assert_eq!(take(stream, 5).await, ["2", "3", "4", "5", "6"]);
    }

    #[tokio::test]
    async fn a_stream_that_falls_behind_catches_up_from_the_store() {
        let j = journal().await;
        let stream = tenant_stream(
            History::new(j.log().clone()),
            j.fanout().as_ref(),
            "a".into(),
            Resume::After(EventId::default()),
        );
        let batch: Vec<_> = (0..1500).map(|i| note("a", &i.to_string())).collect();
        j.append(&batch).await.unwrap();
        let got = take(stream, 1500).await;
        let want: Vec<String> = (0..1500).map(|i| i.to_string()).collect();
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn another_tenants_notifications_never_appear() {
        let j = journal().await;
        let stream = tenant_stream(
            History::new(j.log().clone()),
            j.fanout().as_ref(),
            "a".into(),
            Resume::Recent(10),
        );
        j.append(&[note("b", "secret"), note("a", "mine")])
            .await
            .unwrap();
        assert_eq!(take(stream, 1).await, ["mine"]);
    }
}

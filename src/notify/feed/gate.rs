//! How many live streams may be open, per browser session and in all, and when a stream must
//! end: at once when its session signs out here, else within a minute of the session ending
//! elsewhere (expiry, sign-out on another instance), found by asking the session store.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

/// How often an open stream checks that its session still exists.
pub const SESSION_CHECK: Duration = Duration::from_secs(30);

/// Why a stream was not opened; the message is shown to the user as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "This browser already has {0} live notification views open (the most one sign-in may \
         have). Close another tab showing notifications, then reload this one."
    )]
    Session(usize),
    #[error(
        "The console is serving as many live notification views as it can ({0}). Reload in a \
         few minutes, or read the history on the notify page meanwhile."
    )]
    Everyone(usize),
}

#[derive(Debug)]
struct SessionStreams {
    open: usize,
    /// Set to true when the session signs out.
    ended: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    sessions: HashMap<String, SessionStreams>,
}

#[derive(Debug)]
struct Inner {
    per_session: usize,
    total: usize,
    counts: Mutex<Counts>,
}

impl Inner {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The open streams of this instance.
#[derive(Clone, Debug)]
pub struct StreamGate {
    inner: Arc<Inner>,
}

impl StreamGate {
    pub fn new(per_session: usize, total: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                per_session,
                total,
                counts: Mutex::default(),
            }),
        }
    }

    /// A place for one more stream of `session_id`, or why there is none.
    pub fn open(&self, session_id: &str) -> Result<Permit, Refused> {
        let mut counts = self.inner.counts();
        if counts.total >= self.inner.total {
            return Err(Refused::Everyone(self.inner.total));
        }
        let streams = counts
            .sessions
            .entry(session_id.to_owned())
            .or_insert_with(|| SessionStreams {
                open: 0,
                ended: watch::channel(false).0,
            });
        if streams.open >= self.inner.per_session {
            return Err(Refused::Session(self.inner.per_session));
        }
        streams.open += 1;
        let ended = streams.ended.subscribe();
        counts.total += 1;
        Ok(Permit {
            inner: self.inner.clone(),
            session_id: session_id.to_owned(),
            ended,
        })
    }

    /// Ends every open stream of the session (it signed out).
    pub fn end_session(&self, session_id: &str) {
        if let Some(streams) = self.inner.counts().sessions.get(session_id) {
            streams.ended.send_replace(true);
        }
    }

    /// Streams open now, all sessions together.
    pub fn open_streams(&self) -> usize {
        self.inner.counts().total
    }
}

/// One open stream's place; dropping it (the browser went away) frees the place.
#[derive(Debug)]
pub struct Permit {
    inner: Arc<Inner>,
    session_id: String,
    ended: watch::Receiver<bool>,
}

impl Permit {
    /// Resolves when the stream must end: its session signed out here, or `alive` (asked every
    /// [`SESSION_CHECK`]) says the session is gone. Holds the place until then.
    pub async fn session_ended<F, Fut>(mut self, mut alive: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let mut check = tokio::time::interval(SESSION_CHECK);
        check.tick().await;
        loop {
            tokio::select! {
                changed = self.ended.changed() => {
                    if changed.is_err() || *self.ended.borrow() {
                        return;
                    }
                }
                _ = check.tick() => {
                    if !alive().await {
                        return;
                    }
                }
            }
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut counts = self.inner.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(streams) = counts.sessions.get_mut(&self.session_id) {
            streams.open = streams.open.saturating_sub(1);
            if streams.open == 0 {
                counts.sessions.remove(&self.session_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_per_session_and_in_all_and_freed_on_drop() {
        let gate = StreamGate::new(2, 3);
        let a1 = gate.open("a").unwrap();
        let _a2 = gate.open("a").unwrap();
        assert_eq!(gate.open("a").unwrap_err(), Refused::Session(2));
        let _b1 = gate.open("b").unwrap();
        assert_eq!(gate.open("c").unwrap_err(), Refused::Everyone(3));
        drop(a1);
        assert_eq!(gate.open_streams(), 2);
        assert!(gate.open("c").is_ok());
    }

    #[tokio::test]
    async fn signing_out_ends_the_sessions_streams() {
        let gate = StreamGate::new(2, 3);
        let permit = gate.open("a").unwrap();
        let other = gate.open("b").unwrap();
        let ended = tokio::spawn(permit.session_ended(|| async { true }));
        let still = tokio::spawn(other.session_ended(|| async { true }));
        gate.end_session("a");
        tokio::time::timeout(Duration::from_secs(5), ended)
            .await
            .expect("the signed-out session's stream ends")
            .unwrap();
        assert!(!still.is_finished());
        still.abort();
    }
}

//! What one connection is doing, and when it must be closed for it: a request's head must
//! arrive within the header-read timeout (counted from the connection's opening for its first
//! request, from the head's first byte for later ones), and a kept-alive connection may wait for
//! its next request for the keep-alive timeout. While a request is being answered (a page, a
//! live stream) neither applies.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// "Not yet": no byte of the awaited request head has arrived.
const NONE: u64 = u64::MAX;

/// The timeouts a connection is held to.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the opening (first request) or the first byte (later requests) to a complete head;
    /// also the longest pause inside a request body.
    pub header_read: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub keep_alive: Duration,
}

/// Why a connection is closed before its client is done with it.
#[derive(Debug, PartialEq, Eq)]
pub enum Closing {
    /// A request head took too long, or the connection sat idle too long.
    TimedOut,
    /// The connection cap was reached and this was the longest-idle connection.
    Evicted,
}

pub struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` at which the connection began waiting for a request.
    waiting_since: AtomicU64,
    /// Milliseconds after `opened` at which the awaited head began (`NONE`: not yet).
    head_started: AtomicU64,
    /// Requests being answered (their response bodies not yet finished).
    in_flight: AtomicUsize,
    /// Woken when the deadline may have moved.
    changed: Notify,
    evicted: Notify,
}

impl Activity {
    pub fn new() -> Self {
        Self {
            opened: Instant::now(),
            waiting_since: AtomicU64::new(0),
            // The first request's head is due from the moment the connection opens, so a client
            // that connects and sends nothing is held no longer than one that sends slowly.
            head_started: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            changed: Notify::new(),
            evicted: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    fn at(&self, ms: u64) -> Instant {
        self.opened + Duration::from_millis(ms)
    }

    /// Bytes arrived from the client.
    pub fn bytes_read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0
            && self
                .head_started
                .compare_exchange(NONE, self.now_ms(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.changed.notify_one();
        }
    }

    /// A request head was read: its answer begins.
    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.changed.notify_one();
    }

    /// A request's answer finished (or was abandoned): the connection waits for the next one.
    pub fn request_finished(&self) {
        self.waiting_since.store(self.now_ms(), Ordering::Release);
        self.head_started.store(NONE, Ordering::Release);
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.changed.notify_one();
    }

    /// Waiting for a request rather than answering one.
    pub fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }

    /// Since when the connection has waited for a request (for choosing whom to evict).
    pub fn waiting_since(&self) -> Instant {
        self.at(self.waiting_since.load(Ordering::Acquire))
    }

    /// Asks the connection to close at once (the cap needs its place).
    pub fn evict(&self) {
        self.evicted.notify_one();
    }

    /// When the connection must be closed if nothing changes; `None` while a request is answered.
    pub fn deadline(&self, timeouts: &Timeouts) -> Option<Instant> {
        if !self.is_idle() {
            return None;
        }
        match self.head_started.load(Ordering::Acquire) {
            NONE => Some(self.waiting_since() + timeouts.keep_alive),
            started => Some(self.at(started) + timeouts.header_read),
        }
    }

    /// Resolves when the connection must be closed: a deadline passed, or it was evicted.
    pub async fn closing(&self, timeouts: &Timeouts) -> Closing {
        loop {
            let deadline = self.deadline(timeouts);
            let expiry = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.evicted.notified() => return Closing::Evicted,
                _ = self.changed.notified() => {}
                _ = expiry => {
                    if self.deadline(timeouts).is_some_and(|at| at <= Instant::now()) {
                        return Closing::TimedOut;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header_read: Duration::from_secs(10),
        keep_alive: Duration::from_secs(60),
    };

    /// How long from now until `activity` times out.
    async fn time_to_close(activity: &Activity) -> Duration {
        let from = Instant::now();
        assert_eq!(activity.closing(&TIMEOUTS).await, Closing::TimedOut);
        from.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_new_connection_closes_after_the_header_timeout() {
        assert_eq!(time_to_close(&Activity::new()).await, TIMEOUTS.header_read);
    }

    #[tokio::test(start_paused = true)]
    async fn an_answered_request_holds_no_deadline_and_then_keep_alive_applies() {
        let activity = Activity::new();
        activity.request_started();
        assert_eq!(activity.deadline(&TIMEOUTS), None);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        activity.request_finished();
        assert_eq!(time_to_close(&activity).await, TIMEOUTS.keep_alive);
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_begun_on_a_kept_alive_connection_has_the_header_timeout() {
        let activity = Activity::new();
        activity.request_started();
        activity.request_finished();
        tokio::time::sleep(Duration::from_secs(5)).await;
        activity.bytes_read();
        assert_eq!(time_to_close(&activity).await, TIMEOUTS.header_read);
    }

    #[tokio::test(start_paused = true)]
    async fn an_evicted_connection_closes_at_once() {
        let activity = Activity::new();
        activity.evict();
        assert_eq!(activity.closing(&TIMEOUTS).await, Closing::Evicted);
    }
}

//! What Graph answered to the calls made while a future ran: method, path, status and Graph's
//! request ids of each answer, so a write can be recorded with the ids Graph gave it. Only calls
//! made on the future's own task are seen (a spawned task is not).

use std::future::Future;
use std::sync::{Arc, Mutex};

/// One answer Graph gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub method: String,
    /// The URL path, e.g. `/v1.0/security/alerts_v2/a1`.
    pub path: String,
    pub status: u16,
    pub request_id: String,
    pub client_request_id: String,
}

impl Answered {
    pub fn is_write(&self) -> bool {
        self.method != "GET" && self.method != "HEAD"
    }
}

type Seen = Arc<Mutex<Vec<Answered>>>;

tokio::task_local! {
    static SEEN: Seen;
}

/// Runs `future`, returning its output and every Graph answer received meanwhile, in order.
pub async fn observe<F: Future>(future: F) -> (F::Output, Vec<Answered>) {
    let seen = Seen::default();
    let output = SEEN.scope(seen.clone(), future).await;
    let answers = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
    (output, answers)
}

/// Notes an answer for the enclosing [`observe`], if there is one.
pub(super) fn note(answer: impl FnOnce() -> Answered) {
    let _ = SEEN.try_with(|seen| {
        seen.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(answer());
    });
}

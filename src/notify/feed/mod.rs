//! The feed: the journal (append to the durable log, then fan out live), one tenant's
//! stream (backlog then live, no gap, no duplicate) and its Server-Sent Events form.

pub mod coalesce;
pub mod gate;
pub mod history;
pub mod journal;
pub mod sse;
pub mod stream;
pub mod window;

//! Live alert notifications, in the order a delivery travels:
//!
//! 1. `inbound/`: what Graph POSTs to `/listen` and `/lifecycle` is read from raw bytes,
//!    each notification verified against its subscription (clientState, tenant), and the
//!    accepted ones handed to the feed; lifecycle events go to the background tasks.
//! 2. `feed/`: the journal makes a notification durable in the log, then fans it out; each
//!    browser reads its tenant's stream (backlog, then live) as Server-Sent Events.
//! 3. `subscriptions/`: creating, renewing and deleting subscriptions for a signed-in user.
//! 4. `background/`: the renewal task, the v2 poll watcher and the owner tokens they use.
//!
//! `storage/` is the one seam to a backend (subscription registry, notification log, live
//! fan-out); `model.rs` holds the rows; `handle.rs` the feature's shared handle, [`Notify`].

pub mod background;
mod event_id;
pub mod feed;
mod handle;
pub mod inbound;
pub mod model;
pub mod storage;
pub mod subscriptions;
pub mod summary;

pub use handle::Notify;

//! Reading what Graph POSTs: the raw request (`webhook`: validation handshake or batch),
//! reading each change notification from its raw JSON (`item`), verifying it against its
//! subscription and storing the accepted ones (`intake`), and lifecycle notifications (`lifecycle`).

pub mod dedup;
pub mod intake;
pub mod item;
pub mod lifecycle;
pub mod webhook;

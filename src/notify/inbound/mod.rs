//! Reading what Graph POSTs: the raw request (`webhook`: validation handshake or batch),
//! verifying each notification against its subscription and storing the accepted ones
//! (`intake`), and lifecycle notifications (`lifecycle`).

pub mod dedup;
pub mod intake;
pub mod lifecycle;
pub mod webhook;

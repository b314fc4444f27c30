//! The right to run the deployment's background work (renewals and v2 polls), held by one
//! instance at a time so nothing is renewed or polled twice. One instance alone always holds
//! it ([`AlwaysHeld`]); instances sharing Redis take turns (`redis/lease.rs`).

use std::fmt::Debug;

use futures::future::BoxFuture;

pub trait Lease: Debug + Send + Sync {
    /// Whether this instance may run the background work now.
    fn held(&self) -> bool;

    /// Gives the lease up (at shutdown), so another instance takes over at once.
    fn release(&self) -> BoxFuture<'_, ()>;
}

/// The lease of an instance that shares its storage with no other.
#[derive(Debug, Default)]
pub struct AlwaysHeld;

impl Lease for AlwaysHeld {
    fn held(&self) -> bool {
        true
    }

    fn release(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

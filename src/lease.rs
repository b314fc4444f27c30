//! The right to run a piece of the deployment's work (renewals and v2 polls; each tenant's
//! sync), held by one instance at a time so nothing is done twice. One instance alone always
//! holds it ([`AlwaysHeld`]); instances sharing Redis take turns
//! (`notify/storage/redis/lease.rs`).

use std::fmt::Debug;

use futures::future::BoxFuture;

pub trait Lease: Debug + Send + Sync {
    /// Whether this instance may do the work now.
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

//! Every Redis key and channel graphsec uses for notifications (sessions use the store's
//! own keys). All start with `graphsec:`, so one Redis can hold other data beside them.

/// Set of every subscription id.
pub const SUBSCRIPTIONS: &str = "graphsec:subscriptions";
/// Hash: Graph's subscription id → ours.
pub const BY_GRAPH_ID: &str = "graphsec:subscriptions:by-graph-id";
/// Hash: `tenant/oid` → the session the owner last used.
pub const OWNERS: &str = "graphsec:subscription-owners";
/// Channel: the id of a subscription that changed (every instance's cache re-reads it).
pub const CHANGED: &str = "graphsec:subscriptions:changed";
/// Stream: which tenants' logs grew, one short entry per tenant per append (`tenant`, and
/// `first`, the id of its first new notification); every instance's fan-out reads it.
pub const APPENDED: &str = "graphsec:notifications:appended";
/// Stream and hash of the one log of every tenant that earlier versions kept; moved into
/// the tenants' own logs at start (`migrate.rs`).
pub const OLD_NOTIFICATIONS: &str = "graphsec:notifications";
pub const OLD_SUMMARIES: &str = "graphsec:notification-summaries";

/// Stream: one tenant's accepted notifications, its log; stream ids are the SSE event ids.
/// The tenant id is the key's hash tag, so a Redis Cluster keeps a tenant's log and summaries
/// in one slot and spreads tenants over slots, and no view reads another tenant's entries.
pub fn notifications(tenant_id: &str) -> String {
    format!("graphsec:{{{tenant_id}}}:notifications")
}

/// Hash: stream id → summary of one of the tenant's notifications, read after it was stored
/// (a stream's entries cannot change); expires with the tenant's log.
pub fn summaries(tenant_id: &str) -> String {
    format!("graphsec:{{{tenant_id}}}:notification-summaries")
}

/// Hash: one subscription.
pub fn subscription(id: &str) -> String {
    format!("graphsec:subscription:{id}")
}

/// Field of [`OWNERS`].
pub fn owner(tenant_id: &str, oid: &str) -> String {
    format!("{tenant_id}/{oid}")
}

/// String: who holds the lease on a piece of background work.
pub fn lease(name: &str) -> String {
    format!("graphsec:lease:{name}")
}

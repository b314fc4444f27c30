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
/// Stream: every accepted notification, each with its tenant (the one notification log).
pub const NOTIFICATIONS: &str = "graphsec:notifications";
/// Hash: stream id → summary of a notification read after it was stored (the stream's
/// entries cannot change); expires with the stream.
pub const SUMMARIES: &str = "graphsec:notification-summaries";

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

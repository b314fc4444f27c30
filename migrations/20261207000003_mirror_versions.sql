-- A version per tenant's mirror, moved on by every write that changes an item: counts kept by
-- an instance are used until their tenant's version moves, whichever instance wrote.
CREATE TABLE mirror_versions (
    tenant_id TEXT    PRIMARY KEY,
    version   INTEGER NOT NULL
);

-- Which instance ran a tenant's last sync, for /sync (one instance syncs a tenant at a time).
ALTER TABLE mirror_sync ADD COLUMN synced_by TEXT NOT NULL DEFAULT '';

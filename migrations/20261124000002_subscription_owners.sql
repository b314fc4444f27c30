-- The session each subscription owner last used on the notification pages; background
-- renewals and polls read the owner's tokens from it.
CREATE TABLE subscription_owners (
    tenant_id  TEXT NOT NULL,
    oid        TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, oid)
);

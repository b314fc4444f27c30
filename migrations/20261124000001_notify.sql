-- Subscriptions to alert changes: Graph webhooks (legacy alerts) and v2 poll watches.
CREATE TABLE subscriptions (
    id                   TEXT PRIMARY KEY NOT NULL,
    graph_id             TEXT UNIQUE,
    owner_oid            TEXT NOT NULL,
    tenant_id            TEXT NOT NULL,
    resource             TEXT NOT NULL,
    change_type          TEXT NOT NULL,
    client_state         TEXT NOT NULL,
    expires_at           TEXT NOT NULL,
    status               TEXT NOT NULL
        CHECK (status IN ('active', 'renewal-failed', 'removed')),
    last_notification_at TEXT,
    last_lifecycle_event TEXT,
    api_kind             TEXT NOT NULL
        CHECK (api_kind IN ('legacy-webhook', 'v2-watch')),
    filters              TEXT NOT NULL,
    watch_cursor         TEXT,
    created_at           TEXT NOT NULL,
    UNIQUE (tenant_id, api_kind, resource)
);

CREATE INDEX subscriptions_expiry ON subscriptions (status, expires_at);

-- Accepted change notifications. The id is the Server-Sent Events id: monotonic, never reused.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    change_type     TEXT NOT NULL,
    resource        TEXT NOT NULL,
    alert_id        TEXT,
    received_at     TEXT NOT NULL,
    raw             TEXT NOT NULL
);

CREATE INDEX notifications_tenant ON notifications (tenant_id, id);

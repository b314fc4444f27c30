-- The notification log in pages: one tenant's notifications from one write, deflated together
-- (see src/notify/storage/sqlite/page.rs). Rows of the older `notifications` table are moved
-- into pages when the app starts; the table stays, empty, for its id sequence.
CREATE TABLE notification_pages (
    first_id  INTEGER PRIMARY KEY,
    last_id   INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    body      BLOB NOT NULL
);

CREATE INDEX notification_pages_tenant ON notification_pages (tenant_id, last_id);

-- Summaries learned after their notification was stored: a page is never rewritten.
CREATE TABLE notification_summaries (
    id      INTEGER PRIMARY KEY,
    summary TEXT NOT NULL
);

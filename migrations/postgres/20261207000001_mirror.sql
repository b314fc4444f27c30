-- The mirror in PostgreSQL, shared by every instance: the same tables as the embedded SQLite
-- schema (`migrations/`), with pg_trgm's trigram indexes answering the search (any part of a
-- word of three characters or more, without case: `pc-megan` in `PC-MEGAN.contoso.com`).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE mirror_items (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      TEXT   NOT NULL,
    -- 'alerts' or 'incidents'
    resource       TEXT   NOT NULL,
    id             TEXT   NOT NULL,
    -- an alert's incident
    incident_id    TEXT   NOT NULL,
    severity       TEXT   NOT NULL,
    severity_rank  BIGINT NOT NULL,
    status         TEXT   NOT NULL,
    status_rank    BIGINT NOT NULL,
    service_source TEXT   NOT NULL,
    classification TEXT   NOT NULL,
    determination  TEXT   NOT NULL,
    -- lower case: Graph compares UPNs without case
    assigned_to    TEXT   NOT NULL,
    -- how many alerts an incident groups
    alert_count    BIGINT NOT NULL,
    created_ms     BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL,
    UNIQUE (tenant_id, resource, id)
);

-- The item as Graph sent it, read for the rows a page shows.
CREATE TABLE mirror_bodies (
    seq  BIGINT PRIMARY KEY REFERENCES mirror_items (seq) ON DELETE CASCADE,
    body TEXT   NOT NULL
);

-- One index per sort order; the row number breaks ties, so pages follow each other by key.
CREATE INDEX mirror_items_by_created  ON mirror_items (tenant_id, resource, created_ms, seq);
CREATE INDEX mirror_items_by_updated  ON mirror_items (tenant_id, resource, updated_ms, seq);
CREATE INDEX mirror_items_by_severity ON mirror_items (tenant_id, resource, severity_rank, seq);
CREATE INDEX mirror_items_by_status   ON mirror_items (tenant_id, resource, status_rank, seq);
CREATE INDEX mirror_items_by_assignee ON mirror_items (tenant_id, resource, assigned_to);

-- What the search box and the host and user filters read.
CREATE TABLE mirror_search (
    seq   BIGINT PRIMARY KEY REFERENCES mirror_items (seq) ON DELETE CASCADE,
    hosts TEXT   NOT NULL,
    users TEXT   NOT NULL,
    words TEXT   NOT NULL
);
CREATE INDEX mirror_search_hosts ON mirror_search USING gin (hosts gin_trgm_ops);
CREATE INDEX mirror_search_users ON mirror_search USING gin (users gin_trgm_ops);
CREATE INDEX mirror_search_words ON mirror_search USING gin (words gin_trgm_ops);

-- The tenants the sync engine mirrors.
CREATE TABLE mirror_tenants (
    tenant_id TEXT   PRIMARY KEY,
    added_ms  BIGINT NOT NULL
);

-- Where each tenant's sync of each resource stands. `backfill_next` is the next page of an
-- unfinished backfill, stored with the page before it, so a restart reads no page twice.
CREATE TABLE mirror_sync (
    tenant_id           TEXT   NOT NULL,
    resource            TEXT   NOT NULL,
    cursor_ms           BIGINT,
    backfill_started_ms BIGINT,
    backfill_next       TEXT,
    backfill_done       BIGINT NOT NULL DEFAULT 0,
    backfill_total      BIGINT,
    backfill_read       BIGINT NOT NULL DEFAULT 0,
    last_run_ms         BIGINT,
    last_ok_ms          BIGINT,
    last_error          TEXT   NOT NULL DEFAULT '',
    -- which instance ran the last sync
    synced_by           TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, resource)
);

-- A version per tenant's mirror, moved on by every write that changes an item: counts kept by
-- an instance are used until their tenant's version moves, whichever instance wrote.
CREATE TABLE mirror_versions (
    tenant_id TEXT   PRIMARY KEY,
    version   BIGINT NOT NULL
);

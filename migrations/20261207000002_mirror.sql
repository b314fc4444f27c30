-- The mirror: graphsec's own copy of each tenant's alerts (alerts_v2) and incidents, kept by the
-- sync engine and read by every list, count and search, one row per item. `mirror_items` holds
-- what lists filter and sort on, narrow so that a scan or a count reads little; the item as Graph
-- sent it is in `mirror_bodies`, read for the rows a page shows. Ranks order severities and
-- statuses the way an analyst reads them (high before low, new before resolved).
CREATE TABLE mirror_items (
    seq            INTEGER PRIMARY KEY,
    tenant_id      TEXT    NOT NULL,
    -- 'alerts' or 'incidents'
    resource       TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    -- an alert's incident
    incident_id    TEXT    NOT NULL,
    severity       TEXT    NOT NULL,
    severity_rank  INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    status_rank    INTEGER NOT NULL,
    service_source TEXT    NOT NULL,
    classification TEXT    NOT NULL,
    determination  TEXT    NOT NULL,
    -- lower case: Graph compares UPNs without case
    assigned_to    TEXT    NOT NULL,
    -- how many alerts an incident groups
    alert_count    INTEGER NOT NULL,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    UNIQUE (tenant_id, resource, id)
);

CREATE TABLE mirror_bodies (
    seq  INTEGER PRIMARY KEY REFERENCES mirror_items (seq),
    body TEXT    NOT NULL
);

-- One index per sort order; the row number breaks ties, so pages follow each other by key.
CREATE INDEX mirror_items_by_created  ON mirror_items (tenant_id, resource, created_ms, seq);
CREATE INDEX mirror_items_by_updated  ON mirror_items (tenant_id, resource, updated_ms, seq);
CREATE INDEX mirror_items_by_severity ON mirror_items (tenant_id, resource, severity_rank, seq);
CREATE INDEX mirror_items_by_status   ON mirror_items (tenant_id, resource, status_rank, seq);
-- "Assigned to me" and "unassigned" counted without reading every row.
CREATE INDEX mirror_items_by_assignee ON mirror_items (tenant_id, resource, assigned_to);

-- What the search box and the host and user filters read: SQLite's trigram tokenizer matches any
-- part of a word of three characters or more, without case (`pc-megan` in `PC-MEGAN.contoso.com`).
-- Contentless: the text lives in `mirror_bodies`; a row is replaced by deleting and inserting its rowid
-- (the item's `seq`).
CREATE VIRTUAL TABLE mirror_search USING fts5(
    hosts, users, words,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- The tenants the sync engine mirrors.
CREATE TABLE mirror_tenants (
    tenant_id TEXT    PRIMARY KEY,
    added_ms  INTEGER NOT NULL
);

-- Where each tenant's sync of each resource stands. `backfill_next` is the next page of an
-- unfinished backfill, stored with the page before it, so a restart reads no page twice.
CREATE TABLE mirror_sync (
    tenant_id         TEXT    NOT NULL,
    resource          TEXT    NOT NULL,
    cursor_ms         INTEGER,
    backfill_started_ms INTEGER,
    backfill_next     TEXT,
    backfill_done     INTEGER NOT NULL DEFAULT 0,
    backfill_total    INTEGER,
    backfill_read     INTEGER NOT NULL DEFAULT 0,
    last_run_ms       INTEGER,
    last_ok_ms        INTEGER,
    last_error        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, resource)
);

-- The audit log: one row per write graphsec made to Graph (and one per bulk run). Rows are
-- only ever inserted; the trigger refuses any change, and only the retention task deletes.
CREATE TABLE audit_records (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms             INTEGER NOT NULL,
    tenant_id         TEXT    NOT NULL,
    actor_name        TEXT    NOT NULL,
    actor_oid         TEXT    NOT NULL,
    action            TEXT    NOT NULL,
    resource_type     TEXT    NOT NULL,
    resource_id       TEXT    NOT NULL,
    before_json       TEXT    NOT NULL,
    after_json        TEXT    NOT NULL,
    comment           TEXT    NOT NULL,
    status            INTEGER NOT NULL,
    request_id        TEXT    NOT NULL,
    client_request_id TEXT    NOT NULL,
    error             TEXT    NOT NULL,
    run_id            TEXT    NOT NULL
);

CREATE INDEX audit_records_by_tenant ON audit_records (tenant_id, at_ms DESC, id DESC);

CREATE TRIGGER audit_records_append_only BEFORE UPDATE ON audit_records
BEGIN
    SELECT RAISE(ABORT, 'audit records cannot be changed');
END;

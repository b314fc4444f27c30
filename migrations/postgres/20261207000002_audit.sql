-- The audit log in PostgreSQL, shared by every instance: one row per write graphsec made to
-- Graph (and one per bulk run). Rows are only ever inserted; the trigger refuses any change, and
-- only the retention task deletes.
CREATE TABLE audit_records (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms             BIGINT NOT NULL,
    tenant_id         TEXT   NOT NULL,
    actor_name        TEXT   NOT NULL,
    actor_oid         TEXT   NOT NULL,
    action            TEXT   NOT NULL,
    resource_type     TEXT   NOT NULL,
    resource_id       TEXT   NOT NULL,
    before_json       TEXT   NOT NULL,
    after_json        TEXT   NOT NULL,
    comment           TEXT   NOT NULL,
    status            BIGINT NOT NULL,
    request_id        TEXT   NOT NULL,
    client_request_id TEXT   NOT NULL,
    error             TEXT   NOT NULL,
    run_id            TEXT   NOT NULL
);

CREATE INDEX audit_records_by_tenant ON audit_records (tenant_id, at_ms DESC, id DESC);

CREATE FUNCTION audit_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed';
END
$$;

CREATE TRIGGER audit_records_append_only BEFORE UPDATE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();

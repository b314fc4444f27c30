-- When each page's newest notification arrived (Unix seconds), so notifications older than
-- `[notify] retention_days` can be removed a page at a time, oldest first. Pages stored
-- before this column existed count from now: they are kept a full retention period longer,
-- never removed early.
ALTER TABLE notification_pages ADD COLUMN newest_at INTEGER;
UPDATE notification_pages SET newest_at = CAST(strftime('%s', 'now') AS INTEGER);

-- Lifecycle events received but not yet acted on (comma-separated, each once), stored before
-- Graph is answered so the work survives a restart; cleared by the renewal task as it acts.
ALTER TABLE subscriptions ADD COLUMN lifecycle_pending TEXT;

-- v2 watches: the (alert id, update time) pairs published within the poll overlap before the
-- cursor, stored with it so a restart does not publish them again.
ALTER TABLE subscriptions ADD COLUMN watch_published TEXT;

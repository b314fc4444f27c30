-- Notifications now reach this table in large transactions behind the spool, and the writer
-- stamps each subscription's last_notification_at once per transaction; the per-row trigger
-- would look the subscription up for every row.
DROP TRIGGER notifications_stamp_subscription;

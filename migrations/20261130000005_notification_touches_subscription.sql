-- A stored notification stamps its subscription's last_notification_at in the same statement,
-- so a small batch is stored by one INSERT (one round trip, one sync). The rows of one batch
-- share their time, so only the first of them rewrites the subscription.
CREATE TRIGGER notifications_stamp_subscription AFTER INSERT ON notifications
BEGIN
    UPDATE subscriptions SET last_notification_at = NEW.received_at
    WHERE id = NEW.subscription_id AND last_notification_at IS NOT NEW.received_at;
END;

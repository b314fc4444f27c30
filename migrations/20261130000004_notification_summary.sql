-- What a notification says about its alert (title, severity, status, what changed), as JSON:
-- written with v2 watch notifications, added later to webhook ones once the alert is read.
ALTER TABLE notifications ADD COLUMN summary TEXT;

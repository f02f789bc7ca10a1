-- When the holder of a grant was told it is about to expire (NULL: not yet), so the notice goes
-- out once, whichever replica runs the job.
ALTER TABLE grants ADD COLUMN expiry_notice_time DATETIME(6) NULL;
CREATE INDEX grants_expiring ON grants (valid_until, expiry_notice_time);

-- Expired drafts (and their participants' INSZ numbers) are purged after --draft_retention
-- (docs/vov-rules.md): the purge finds them by expiry.
CREATE INDEX IF NOT EXISTS drafts_expiry ON drafts (expire_time);

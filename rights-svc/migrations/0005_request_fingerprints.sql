-- The fingerprint of the request a request_id was recorded for (common/request_fingerprint.h):
-- the same request_id with a different request is refused (REQUEST_ID_REUSED). NULL for keys
-- recorded before this column existed: they answer as before.
ALTER TABLE request_ids ADD COLUMN fingerprint CHAR(64) NULL;

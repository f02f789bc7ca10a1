-- The trace (W3C traceparent) of the SendMail call that queued a message: its delivery attempts
-- continue that trace, so the receipt mail of a confirm is sent under the confirm's trace_id.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS traceparent VARCHAR(64) NULL;

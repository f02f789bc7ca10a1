-- notify-svc: the mail outbox. A message is stored first (QUEUED), claimed by a worker
-- (SENDING, leased until due_time), then SENT, QUEUED again for a retry, FAILED or DEAD.
-- due_time is the single "when does a worker look at this again" column: next attempt for
-- QUEUED, lease expiry for SENDING, NULL for the final states. Claims range-scan the
-- (due_time, id) index, which yields rows already in claim order, so FOR UPDATE SKIP LOCKED
-- locks only the rows it takes.
CREATE TABLE messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  idempotency_key VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  content_sha256 CHAR(64) NOT NULL,
  template_id VARCHAR(64) NOT NULL,
  requested_locale VARCHAR(8) NOT NULL DEFAULT '',
  locale VARCHAR(8) NOT NULL DEFAULT '',
  parameters_json MEDIUMTEXT NOT NULL,
  source_event VARCHAR(255) NOT NULL DEFAULT '',
  subject VARCHAR(1000) NULL DEFAULT NULL,
  text_body MEDIUMTEXT NULL DEFAULT NULL,
  html_body MEDIUMTEXT NULL DEFAULT NULL,
  state TINYINT NOT NULL,
  attempt_count INT NOT NULL DEFAULT 0,
  budget_start INT NOT NULL DEFAULT 0,
  due_time TIMESTAMP(6) NULL DEFAULT NULL,
  last_error VARCHAR(1024) NOT NULL DEFAULT '',
  create_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  update_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  send_time TIMESTAMP(6) NULL DEFAULT NULL,
  UNIQUE KEY messages_idempotency_key (idempotency_key),
  KEY messages_due (due_time, id),
  KEY messages_source_event (source_event, id),
  KEY messages_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Recipients in request order. address is the e-mail address or `persons/{id}`;
-- resolved_email is filled in when a person is looked up at send time.
CREATE TABLE message_recipients (
  message_id BIGINT UNSIGNED NOT NULL,
  position INT NOT NULL,
  is_person TINYINT NOT NULL,
  address VARCHAR(320) NOT NULL,
  display_name VARCHAR(255) NOT NULL DEFAULT '',
  resolved_email VARCHAR(320) NOT NULL DEFAULT '',
  PRIMARY KEY (message_id, position),
  KEY message_recipients_address (address, message_id),
  KEY message_recipients_resolved (resolved_email, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every hand-over attempt, oldest first per message.
CREATE TABLE delivery_attempts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  message_id BIGINT UNSIGNED NOT NULL,
  attempt_time TIMESTAMP(6) NOT NULL,
  outcome TINYINT NOT NULL,
  smtp_code INT NOT NULL DEFAULT 0,
  error VARCHAR(1024) NOT NULL DEFAULT '',
  KEY delivery_attempts_message (message_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

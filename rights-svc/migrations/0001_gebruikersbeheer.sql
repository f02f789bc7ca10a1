-- rights-svc schema: work relations, grants, access requests, the hash-chained audit trail.

CREATE TABLE work_relations (
  id CHAR(32) NOT NULL PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  person_id CHAR(32) NOT NULL,
  type VARCHAR(32) NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  valid_until DATETIME(6) NULL,
  end_reason VARCHAR(1000) NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY work_relations_org (organization_id, id),
  KEY work_relations_person (person_id, organization_id)
) ENGINE=InnoDB;

CREATE TABLE grants (
  id CHAR(32) NOT NULL PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  person_id CHAR(32) NOT NULL,
  role VARCHAR(64) NOT NULL,
  context VARCHAR(64) NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  valid_until DATETIME(6) NULL,
  granted_by CHAR(32) NOT NULL,
  access_request_id CHAR(32) NULL,
  revoked_by CHAR(32) NULL,
  revoke_reason VARCHAR(1000) NULL,
  revoke_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  KEY grants_org (organization_id, id),
  -- CheckPermission: one index range per (organisation, person).
  KEY grants_holder (organization_id, person_id, role, context),
  KEY grants_person (person_id, organization_id)
) ENGINE=InnoDB;

CREATE TABLE access_requests (
  id CHAR(32) NOT NULL PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  requester_id CHAR(32) NOT NULL,
  role VARCHAR(64) NOT NULL,
  context VARCHAR(64) NOT NULL,
  reason VARCHAR(1000) NOT NULL,
  state VARCHAR(16) NOT NULL,
  -- Set only while PENDING: at most one open request per person, organisation, role, context.
  open_key VARCHAR(200) NULL,
  notified_count INT NOT NULL DEFAULT 0,
  decided_by CHAR(32) NULL,
  decide_time DATETIME(6) NULL,
  rejection_reason VARCHAR(1000) NULL,
  grant_id CHAR(32) NULL,
  create_time DATETIME(6) NOT NULL,
  expire_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY access_requests_open (open_key),
  KEY access_requests_org (organization_id, id),
  KEY access_requests_due (state, expire_time)
) ENGINE=InnoDB;

CREATE TABLE audit_heads (
  organization_id CHAR(32) NOT NULL PRIMARY KEY,
  sequence BIGINT NOT NULL,
  hash CHAR(64) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE audit_events (
  organization_id CHAR(32) NOT NULL,
  sequence BIGINT NOT NULL,
  event_time DATETIME(6) NOT NULL,
  actor VARCHAR(64) NOT NULL,
  actor_key_type VARCHAR(16) NOT NULL,
  action VARCHAR(64) NOT NULL,
  subject VARCHAR(64) NOT NULL,
  target VARCHAR(200) NOT NULL,
  reason VARCHAR(1000) NOT NULL,
  details TEXT NOT NULL,               -- JSON object of strings
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, sequence),
  KEY audit_events_time (organization_id, event_time)
) ENGINE=InnoDB;

CREATE TABLE revisions (
  organization_id CHAR(32) NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL
) ENGINE=InnoDB;

-- Idempotent creates: request_id -> the resource it created.
CREATE TABLE request_ids (
  request_id VARCHAR(64) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  resource_id CHAR(32) NOT NULL,
  create_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (request_id, kind)
) ENGINE=InnoDB;

-- registration-svc schema: the training catalogue, drafts with their participants, registrations
-- as immutable versions (each with its receipt) and the index of active participants.
--
-- Keys that clients type or that are compared byte-wise by the fake (ODB numbers, request ids)
-- use utf8mb4_bin, so 'odb-1' and 'ODB-1' are different trainings and keyset pages sort by code
-- point. Free text keeps the server's case-insensitive collation (title search).
-- Dates are calendar dates without time zone (DATE), instants are UTC DATETIME(6).
-- Hours are DOUBLE: the binary protocol carries them unchanged, so every value round-trips.
-- Lists (module codes, warning reasons, modules) are JSON arrays in TEXT columns.

CREATE TABLE trainings (
  odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  provider_organization_id CHAR(32) NOT NULL,
  title VARCHAR(500) NOT NULL,
  type TINYINT NOT NULL,
  planned_hours DOUBLE NOT NULL,
  study_points INT NOT NULL,
  lestijden INT NOT NULL,
  exam_count INT NOT NULL,
  competence_count INT NOT NULL,
  start_date DATE NULL,
  end_date DATE NULL,
  recognition_start_date DATE NULL,
  recognition_end_date DATE NULL,
  postgraduate TINYINT(1) NOT NULL,
  delivery_mode TINYINT NOT NULL,
  modules TEXT NOT NULL,                -- [{"code":..,"title":..,"hours":..}]
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  KEY trainings_provider (provider_organization_id, odb_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotent calls: (organisation, kind, request_id) -> the resource the first call produced.
CREATE TABLE request_ids (
  organization_id CHAR(32) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  request_id VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  resource_id VARCHAR(64) NOT NULL,
  create_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (organization_id, kind, request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE drafts (
  id CHAR(32) NOT NULL PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  school_year INT NOT NULL,
  state TINYINT NOT NULL,               -- DraftState: 1 open, 2 confirmed, 3 expired
  corrects_registration_id CHAR(32) NULL,
  corrects_version INT NOT NULL,
  registration_id CHAR(32) NULL,
  registration_version INT NOT NULL,
  creator_id CHAR(32) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  expire_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL,
  validated_version BIGINT NOT NULL,
  KEY drafts_org (organization_id, id),
  KEY drafts_corrections (organization_id, corrects_registration_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The primary key clusters a draft's rows in id order (the order they were added in).
CREATE TABLE draft_participants (
  draft_id CHAR(32) NOT NULL,
  id CHAR(32) NOT NULL,
  insz CHAR(11) NOT NULL,
  display_name VARCHAR(300) NOT NULL,
  measurement TINYINT NOT NULL,         -- 0 none, 1 attendance, 2 participation
  hours_present DOUBLE NOT NULL,
  contact_hours_to_follow DOUBLE NOT NULL,
  unjustified_absence_hours DOUBLE NOT NULL,
  participated TINYINT(1) NOT NULL,
  completed_module_codes TEXT NOT NULL, -- JSON array of strings
  final_assessment TINYINT NOT NULL,
  route_completed TINYINT(1) NULL,      -- NULL: not answered
  exam_contract TINYINT(1) NULL,
  actual_end_date DATE NULL,
  PRIMARY KEY (draft_id, id),
  UNIQUE KEY draft_participants_insz (draft_id, insz)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The head of a registration, locked to add a version.
CREATE TABLE registrations (
  id CHAR(32) NOT NULL PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  school_year INT NOT NULL,
  latest_version INT NOT NULL,
  withdrawn TINYINT(1) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  KEY registrations_org (organization_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Immutable versions with their receipt. receipt_number is the receipt's sequence number: the
-- server assigns it (unique and increasing; a rolled back insert leaves a gap).
CREATE TABLE registration_versions (
  registration_id CHAR(32) NOT NULL,
  version INT NOT NULL,
  receipt_number BIGINT NOT NULL AUTO_INCREMENT,
  organization_id CHAR(32) NOT NULL,
  kind TINYINT NOT NULL,                -- ReceiptKind: 1 submission, 2 correction, 3 withdrawal
  odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  school_year INT NOT NULL,
  submitted_by CHAR(32) NOT NULL,
  submitted_by_name VARCHAR(300) NOT NULL,
  organization_name VARCHAR(300) NOT NULL,
  training_title VARCHAR(500) NOT NULL,
  submit_time DATETIME(6) NOT NULL,
  content_sha256 VARCHAR(64) NOT NULL,
  content_format VARCHAR(64) NOT NULL,
  withdraw_reason VARCHAR(1000) NOT NULL,
  participant_count INT NOT NULL,
  attendance_count INT NOT NULL,
  participation_count INT NOT NULL,
  total_hours_present DOUBLE NOT NULL,
  warning_count INT NOT NULL,
  PRIMARY KEY (registration_id, version),
  UNIQUE KEY registration_versions_receipt (receipt_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The participant lines of a version, as submitted (line = position in the submission, from 1).
CREATE TABLE registration_participants (
  registration_id CHAR(32) NOT NULL,
  version INT NOT NULL,
  line INT NOT NULL,
  insz CHAR(11) NOT NULL,
  display_name VARCHAR(300) NOT NULL,
  measurement TINYINT NOT NULL,
  hours_present DOUBLE NOT NULL,
  contact_hours_to_follow DOUBLE NOT NULL,
  unjustified_absence_hours DOUBLE NOT NULL,
  participated TINYINT(1) NOT NULL,
  completed_module_codes TEXT NOT NULL,
  final_assessment TINYINT NOT NULL,
  route_completed TINYINT(1) NULL,
  exam_contract TINYINT(1) NULL,
  actual_end_date DATE NULL,
  warning_reasons TEXT NOT NULL,        -- JSON array of strings
  PRIMARY KEY (registration_id, version, line),
  -- The participant filter of ListRegistrations.
  KEY registration_participants_insz (insz, registration_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One ACTIVE registration per participant, training and school year: the primary key is the rule.
CREATE TABLE active_participants (
  odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  school_year INT NOT NULL,
  insz CHAR(11) NOT NULL,
  registration_id CHAR(32) NOT NULL,
  PRIMARY KEY (odb_number, school_year, insz),
  KEY active_participants_registration (registration_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- identity-svc schema: the directory (persons, organisations, legal representatives), login
-- sessions, the access-token signing keys and the audit trail.

CREATE TABLE persons (
  id CHAR(32) NOT NULL PRIMARY KEY,            -- opaque; the `sub` of access tokens
  insz CHAR(11) NOT NULL,                      -- never leaves this service unmasked
  given_name VARCHAR(200) NOT NULL,
  family_name VARCHAR(200) NOT NULL,
  email_address VARCHAR(320) NULL,
  phone_number VARCHAR(32) NULL,
  preferred_locale VARCHAR(8) NOT NULL DEFAULT 'nl',
  source VARCHAR(16) NOT NULL,                 -- IMPORT or LOGIN (first seen at login)
  create_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  update_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY persons_insz (insz)
) ENGINE=InnoDB;

CREATE TABLE organizations (
  id CHAR(32) NOT NULL PRIMARY KEY,            -- opaque; the `org` of access tokens
  kbo_number CHAR(10) NULL,
  institution_number CHAR(6) NULL,
  display_name VARCHAR(300) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  email_address VARCHAR(320) NULL,
  create_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  update_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY organizations_kbo (kbo_number),
  UNIQUE KEY organizations_institution (institution_number),
  KEY organizations_name (display_name)
) ENGINE=InnoDB;

-- Legal representatives as the KBO lists them, by INSZ: the person may not be known yet.
CREATE TABLE legal_representatives (
  organization_id CHAR(32) NOT NULL,
  insz CHAR(11) NOT NULL,
  PRIMARY KEY (organization_id, insz),
  KEY legal_representatives_insz (insz),
  CONSTRAINT legal_representatives_org FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB;

CREATE TABLE sessions (
  id CHAR(32) NOT NULL PRIMARY KEY,            -- the `sid` of access tokens
  person_id CHAR(32) NOT NULL,
  key_type VARCHAR(16) NOT NULL,
  assurance_level VARCHAR(16) NOT NULL,
  acr VARCHAR(200) NOT NULL,
  current_organization_id CHAR(32) NULL,
  refresh_token_hash CHAR(64) NOT NULL,         -- SHA-256 of the current refresh token
  previous_refresh_hash CHAR(64) NULL,          -- a replay of this one revokes the session
  refresh_expire_time TIMESTAMP(6) NOT NULL,
  create_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expire_time TIMESTAMP(6) NOT NULL,            -- absolute end
  revoke_time TIMESTAMP(6) NULL,
  UNIQUE KEY sessions_refresh (refresh_token_hash),
  KEY sessions_previous_refresh (previous_refresh_hash),
  KEY sessions_person (person_id),
  CONSTRAINT sessions_person FOREIGN KEY (person_id) REFERENCES persons (id)
) ENGINE=InnoDB;

-- Access-token signing keys; private keys encrypted (AES-256-GCM) with the configured key.
CREATE TABLE signing_keys (
  kid CHAR(32) NOT NULL PRIMARY KEY,
  alg VARCHAR(8) NOT NULL,
  private_key_sealed VARBINARY(4096) NOT NULL,
  public_jwk VARCHAR(2048) NOT NULL,
  create_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  retire_time TIMESTAMP(6) NOT NULL,            -- no signing after this
  expire_time TIMESTAMP(6) NOT NULL             -- leaves the JWKS after this
) ENGINE=InnoDB;

-- Serialises key rotation across replicas (one row, locked FOR UPDATE while rotating).
CREATE TABLE key_rotation_lock (
  id TINYINT NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT INTO key_rotation_lock VALUES (1);

CREATE TABLE audit_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_time TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor VARCHAR(64) NOT NULL,                   -- persons/{id}, or operator
  session_id CHAR(32) NULL,
  key_type VARCHAR(16) NULL,
  action VARCHAR(64) NOT NULL,
  target VARCHAR(200) NULL,
  details VARCHAR(2000) NULL,
  KEY audit_events_actor (actor, event_time)
) ENGINE=InnoDB;

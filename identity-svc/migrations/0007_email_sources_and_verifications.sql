-- Whose word a person's e-mail address is (identity-svc/domain/email_address.h): IMPORT (an
-- operator's import), IDP (the identity provider's `email` claim), VERIFIED (given by the person
-- and confirmed with a mailed code). Addresses stored before this came from imports.
ALTER TABLE persons ADD COLUMN IF NOT EXISTS email_source VARCHAR(16) NOT NULL DEFAULT '';
UPDATE persons SET email_source = 'IMPORT'
  WHERE email_source = '' AND email_address IS NOT NULL AND email_address <> '';

-- A person's e-mail verification (one per person; a new code replaces the earlier one). Only the
-- code's hash is kept. The row stays after use: it counts the codes of the current hour.
CREATE TABLE IF NOT EXISTS email_verifications (
  person_id CHAR(32) NOT NULL PRIMARY KEY,
  email_address VARCHAR(320) NOT NULL,
  code_hash CHAR(64) NOT NULL DEFAULT '',      -- empty once used or voided
  expire_time TIMESTAMP(6) NOT NULL,
  failed_attempts INT NOT NULL DEFAULT 0,
  window_start TIMESTAMP(6) NOT NULL,
  codes_in_window INT NOT NULL DEFAULT 0,
  CONSTRAINT email_verifications_person FOREIGN KEY (person_id) REFERENCES persons (id)
) ENGINE=InnoDB;

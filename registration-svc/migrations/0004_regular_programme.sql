-- The 10 % unjustified-absence rule does not apply to regular programmes of university colleges
-- and CVOs, nor to post-graduate trainings. That used to be read from the ODB number's prefix
-- (ODB-X / ODB-Y, case-sensitively); it is now an attribute the catalogue import sets. Trainings
-- imported before keep the exemption the prefix gave them.
ALTER TABLE trainings ADD COLUMN IF NOT EXISTS regular_programme TINYINT(1) NOT NULL DEFAULT 0;
UPDATE trainings SET regular_programme = 1
 WHERE UPPER(odb_number) LIKE 'ODB-X%' OR UPPER(odb_number) LIKE 'ODB-Y%';
-- ODB numbers compare case-insensitively: the service stores them in capitals from now on, and
-- brings earlier rows in line (a clash of two rows differing only in case stops the migration,
-- for an operator to resolve; every statement here may run again after such a stop). Registration versions stay as confirmed: their receipts' content
-- hashes name the training as it was then written.
UPDATE trainings SET odb_number = UPPER(odb_number) WHERE odb_number <> UPPER(odb_number);
UPDATE drafts SET odb_number = UPPER(odb_number) WHERE odb_number <> UPPER(odb_number);
UPDATE registrations SET odb_number = UPPER(odb_number) WHERE odb_number <> UPPER(odb_number);
UPDATE active_participants SET odb_number = UPPER(odb_number)
 WHERE odb_number <> UPPER(odb_number);

-- The hours each registered certificate counts for under its training type's rule (vov_rules.h
-- CountedHours), fixed at confirmation: a later catalogue import may change the training, not
-- what was acknowledged. Versions confirmed before this migration (receipt format v1) show 0.
ALTER TABLE registration_participants ADD COLUMN IF NOT EXISTS counted_hours DOUBLE NOT NULL DEFAULT 0;

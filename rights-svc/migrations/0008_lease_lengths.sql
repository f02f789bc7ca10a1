-- Each lease's length, and the longest lease any live holder took. Replicas may run with
-- different --replica_lease values (a rolling change of the flag), and a writer that cannot tell a
-- replica of its change must wait out that replica's lease, not its own. The renewal sets
-- longest_lease_micros while it holds the gate exclusively; a writer reads it under its shared
-- lock, so a longer lease taken after that read belongs to a renewal that pulls the change.
ALTER TABLE replica_leases ADD COLUMN IF NOT EXISTS lease_micros BIGINT NOT NULL DEFAULT 0;
ALTER TABLE replica_lease_holders ADD COLUMN IF NOT EXISTS lease_micros BIGINT NOT NULL DEFAULT 0;
ALTER TABLE revision_change_gate ADD COLUMN IF NOT EXISTS longest_lease_micros BIGINT NOT NULL DEFAULT 0;

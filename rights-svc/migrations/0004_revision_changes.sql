-- Which organisations' rights changed, in commit order, so that every replica's lease renewal can
-- pull what it was not told (replica_leases.h). A rights transaction inserts its organisations
-- last, holding the gate row shared until COMMIT; a renewal takes the gate exclusively before it
-- reads MAX(sequence), so every sequence it sees as reached belongs to a committed transaction.
-- Rows older than an hour are pruned; pruned_through says how far, and a renewal that last saw
-- an older sequence forgets everything.
CREATE TABLE revision_changes (
  sequence BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  organization_id CHAR(32) NOT NULL,
  change_time DATETIME(6) NOT NULL DEFAULT NOW(6),
  KEY revision_changes_time (change_time)
) ENGINE=InnoDB;

CREATE TABLE revision_change_gate (
  id TINYINT NOT NULL PRIMARY KEY,
  pruned_through BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
INSERT INTO revision_change_gate (id, pruned_through) VALUES (1, 0);
-- replica_leases.missed_invalidations (0003) is no longer written or read by this release; it
-- stays so that replicas of the previous release keep running during a rolling upgrade (their
-- changes reach the new replicas by push only, as before: docs/operators-guide.md).

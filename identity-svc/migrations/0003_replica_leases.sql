-- What lets identity-svc replicas remember sessions and persons (common/replica_leases.h,
-- leased_cache.h): each replica's lease, and which records changed, in commit order.
--
-- Every transaction that changes a session or a person inserts its resource name
-- ("sessions/{id}", "persons/{id}") into record_changes last, holding the gate row shared until
-- COMMIT; a lease renewal takes the gate exclusively before it reads MAX(sequence), so every
-- sequence it sees as reached belongs to a committed transaction, and it forgets those records.
-- Rows older than an hour are pruned; pruned_through says how far.
CREATE TABLE replica_leases (
  replica_id CHAR(32) NOT NULL PRIMARY KEY,
  address VARCHAR(255) NOT NULL,
  expires_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE record_changes (
  sequence BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  record_name VARCHAR(64) NOT NULL,
  change_time DATETIME(6) NOT NULL DEFAULT NOW(6),
  KEY record_changes_time (change_time)
) ENGINE=InnoDB;

CREATE TABLE record_change_gate (
  id TINYINT NOT NULL PRIMARY KEY,
  pruned_through BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
INSERT INTO record_change_gate (id, pruned_through) VALUES (1, 0);

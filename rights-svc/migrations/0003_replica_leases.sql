-- The rights-svc replicas that answer CheckPermission from remembered revisions, and until when
-- (replica_leases.h). A replica that changes rights tells each of them; for one it cannot reach it
-- counts a missed invalidation, which that replica sees at its next renewal (and then forgets
-- everything it remembered), and waits until the lease it held runs out.
CREATE TABLE replica_leases (
  replica_id CHAR(32) NOT NULL PRIMARY KEY,
  address VARCHAR(255) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  missed_invalidations BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

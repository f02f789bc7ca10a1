-- Lease holders of other services move to a table of their own. In 0006 they shared
-- replica_leases with rights-svc's replicas, so during a rolling upgrade a replica of the previous
-- release (which reads replica_leases and pushes with rights-svc's own service token) would have
-- sent that credential to the address a holder named. Only this release reads this table, and
-- pushes to its rows carry the holder's own push token.
ALTER TABLE replica_leases DROP COLUMN push_token;
CREATE TABLE replica_lease_holders (
  replica_id CHAR(32) NOT NULL PRIMARY KEY,
  address VARCHAR(255) NOT NULL,
  push_token VARCHAR(128) NOT NULL,
  expires_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

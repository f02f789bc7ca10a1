-- The lease code is shared with rights-svc (common/mysql_replica_registry.cc), which keeps lease
-- holders of other services in a table of their own (rights 0007). identity-svc has none: the
-- table stays empty, and the unused column of 0004 goes.
ALTER TABLE replica_leases DROP COLUMN push_token;
CREATE TABLE replica_lease_holders (
  replica_id CHAR(32) NOT NULL PRIMARY KEY,
  address VARCHAR(255) NOT NULL,
  push_token VARCHAR(128) NOT NULL,
  expires_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

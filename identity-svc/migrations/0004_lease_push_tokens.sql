-- The lease table is shared code (common/mysql_replica_registry.cc) with rights-svc, whose
-- lease holders of other services are pushed with a token of their own. identity-svc has only
-- its own replicas: the column stays empty.
ALTER TABLE replica_leases ADD COLUMN push_token VARCHAR(128) NOT NULL DEFAULT '';

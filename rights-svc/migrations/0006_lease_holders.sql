-- Lease holders of other services (rights-svc's RenewLease: registration-svc keeping
-- CheckPermission answers). A writer pushes each holder its invalidations with the token the
-- holder registered, never with rights-svc's own service token, so naming an address does not
-- earn anyone rights-svc's credential. Empty for rights-svc's own replicas.
ALTER TABLE replica_leases ADD COLUMN push_token VARCHAR(128) NOT NULL DEFAULT '';

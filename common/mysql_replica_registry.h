#pragma once
// ReplicaRegistry on a service's lease and change tables: replica_leases (replica_id, address,
// expires_at, lease_micros; the service's own replicas), replica_lease_holders (the same plus
// push_token; other services' holders, kept apart so replicas of earlier releases never push to
// them), a change table (sequence AUTO_INCREMENT, a key column, change_time) and its gate (one
// row, id 1, pruned_through, longest_lease_micros); rights-svc's migrations 0003-0004, 0007-0008
// and identity-svc's 0003, 0005-0006 make them. Lease ends are the database's clock; how long a
// replica remembers is its own (replica_leases.h).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/replica_leases.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse {

// The table and column names (constants of the service, never input).
struct ReplicaTables {
  const char* changes;     // e.g. "revision_changes"
  const char* key_column;  // e.g. "organization_id"
  const char* gate;        // e.g. "revision_change_gate"
};

// In a writer's transaction, after its changes and before COMMIT: records that the rows these
// keys name changed. The shared lock on the gate row is held until COMMIT, so a renewal (which
// takes it exclusively before reading MAX(sequence)) never sees a sequence of an uncommitted
// change. Returns the longest lease a holder may count on (what the writer waits out for a
// replica it cannot tell; a lease taken later belongs to a renewal that pulls this change).
// Keys are deduplicated; none: nothing is done (and no lease is returned).
absl::StatusOr<absl::Duration> RecordReplicaChanges(sql::Connection& conn,
                                                    const ReplicaTables& tables,
                                                    std::vector<std::string> keys);

// The longest lease a replica may count on, read on its own (a locking read of the gate): for a
// transaction that failed after announcing keys (a retry that found the work done), which never
// reached RecordReplicaChanges. A lease recorded later belongs to a renewal that came after the
// change it is about, and a lease dropped since ended one lease ago.
absl::StatusOr<absl::Duration> LongestReplicaLease(MysqlPool& pool, const ReplicaTables& tables);

class MysqlReplicaRegistry : public ReplicaRegistry {
 public:
  MysqlReplicaRegistry(MysqlPool& pool, ReplicaTables tables) : pool_(pool), tables_(tables) {}

  // One transaction: the gate row exclusively, the lease, the longest live lease, then what
  // changed. More than 5000 keys changed, or an `after` outside the recorded history: everything.
  absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer& holder, absl::Duration lease,
                                           std::optional<int64_t> after) override;
  absl::Status Release(const std::string& replica_id) override;
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string& replica_id,
                                                 absl::Duration grace) override;
  // Marks changes older than two minutes as pruned, then deletes them in chunks outside any
  // renewal (the gate is held only for the mark); also sweeps leases that ended an hour ago.
  absl::Status PruneHistory() override;

 private:
  MysqlPool& pool_;
  const ReplicaTables tables_;
};

}  // namespace wse

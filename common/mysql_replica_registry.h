#pragma once
// ReplicaRegistry on a service's lease and change tables: replica_leases (replica_id, address,
// expires_at; the service's own replicas), replica_lease_holders (the same plus push_token; other
// services' holders, kept apart so replicas of earlier releases never push to them), a change table
// (sequence AUTO_INCREMENT, a key column, change_time) and its gate (one row, id 1,
// pruned_through); rights-svc's migrations 0003-0004 and 0007 and identity-svc's 0003 and 0005 make
// them. Lease ends are the database's clock; how long a replica remembers is its own
// (replica_leases.h).

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
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
// change. Keys are deduplicated; none: nothing is done.
absl::Status RecordReplicaChanges(sql::Connection& conn, const ReplicaTables& tables,
                                  std::vector<std::string> keys);

class MysqlReplicaRegistry : public ReplicaRegistry {
 public:
  MysqlReplicaRegistry(MysqlPool& pool, ReplicaTables tables) : pool_(pool), tables_(tables) {}

  // One transaction: the lease, then the gate row exclusively, then what changed. More than 5000
  // keys changed, or an `after` outside the recorded history: everything. Every 64th renewal
  // also prunes changes and leases older than an hour.
  absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer& holder, absl::Duration lease,
                                           std::optional<int64_t> after) override;
  absl::Status Release(const std::string& replica_id) override;
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string& replica_id,
                                                 absl::Duration grace) override;

 private:
  MysqlPool& pool_;
  const ReplicaTables tables_;
  std::atomic<uint64_t> renewals_{0};
};

}  // namespace wse

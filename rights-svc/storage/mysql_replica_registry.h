#pragma once
// ReplicaRegistry on the replica_leases and revision_changes tables (migrations/0003, 0004).
// Lease ends are the database's clock; how long a replica remembers is its own (replica_leases.h).

#include <atomic>
#include <optional>

#include "common/mysql_pool.h"
#include "rights-svc/domain/replica_leases.h"

namespace wse::rights {

class MysqlReplicaRegistry : public ReplicaRegistry {
 public:
  explicit MysqlReplicaRegistry(MysqlPool& pool) : pool_(pool) {}

  // One transaction: the lease, then the gate row exclusively, then what changed. More than 5000
  // organisations changed, or an `after` outside the recorded history: everything. Every 64th
  // renewal also prunes changes and leases older than an hour.
  absl::StatusOr<ChangesSince> Renew(const std::string& replica_id, const std::string& address,
                                     absl::Duration lease, std::optional<int64_t> after) override;
  absl::Status Release(const std::string& replica_id) override;
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string& replica_id,
                                                 absl::Duration grace) override;

 private:
  MysqlPool& pool_;
  std::atomic<uint64_t> renewals_{0};
};

}  // namespace wse::rights

#pragma once
// ReplicaRegistry on the replica_leases table (migrations/0003_replica_leases.sql). Lease ends
// are the database's clock, so the replicas' clocks need not agree.

#include "common/mysql_pool.h"
#include "rights-svc/replica_leases.h"

namespace wse::rights {

class MysqlReplicaRegistry : public ReplicaRegistry {
 public:
  explicit MysqlReplicaRegistry(MysqlPool& pool) : pool_(pool) {}

  absl::StatusOr<int64_t> Renew(const std::string& replica_id, const std::string& address,
                                absl::Duration lease) override;
  absl::StatusOr<absl::Duration> MarkMissed(const std::string& replica_id) override;
  absl::Status Release(const std::string& replica_id) override;
  absl::StatusOr<std::vector<ReplicaPeer>> LivePeers(const std::string& replica_id) override;

 private:
  MysqlPool& pool_;
};

}  // namespace wse::rights

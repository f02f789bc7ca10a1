#pragma once
// Sessions and persons may be remembered by every identity-svc replica (leased_cache.h), so each
// transaction that changes one records its name for the replicas' leases (migration 0003,
// common/replica_leases.h) and announces it after COMMIT so the peers are told at once.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/mysql_replica_registry.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse::identity {

inline constexpr ReplicaTables kIdentityReplicaTables{"record_changes", "record_name",
                                                      "record_change_gate"};

// Told which records ("sessions/{id}", "persons/{id}") a transaction changed, and the longest
// lease a replica may count on (RecordReplicaChanges; zero when the transaction failed before it).
using RecordsChanged = std::function<void(const std::vector<std::string>&, absl::Duration)>;

// Runs `body` in one transaction (InTransaction, reruns included). The names `body` adds to
// `changed` are recorded before COMMIT, and given to `announce` (when set) afterwards, also when
// the transaction failed: a lost COMMIT may have committed, and telling too much costs one read.
absl::Status InChangingTransaction(
    MysqlPool& pool, const RecordsChanged& announce,
    const std::function<absl::Status(sql::Connection&, std::vector<std::string>& changed)>& body);

}  // namespace wse::identity

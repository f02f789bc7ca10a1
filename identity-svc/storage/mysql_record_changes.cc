#include "identity-svc/storage/mysql_record_changes.h"

namespace wse::identity {

absl::Status InChangingTransaction(
    MysqlPool& pool, const RecordsChanged& announce,
    const std::function<absl::Status(sql::Connection&, std::vector<std::string>& changed)>& body) {
  std::vector<std::string> changed;
  absl::Status status = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
    changed.clear();  // A rerun after a deadlock starts over.
    absl::Status result = body(conn, changed);
    // Last before COMMIT: the gate row stays locked shared for as short as possible.
    if (result.ok()) result = RecordReplicaChanges(conn, kIdentityReplicaTables, changed);
    return result;
  });
  if (!changed.empty() && announce) announce(changed);
  return status;
}

}  // namespace wse::identity

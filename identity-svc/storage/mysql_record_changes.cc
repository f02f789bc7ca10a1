#include "identity-svc/storage/mysql_record_changes.h"

#include "common/status_macros.h"

namespace wse::identity {

absl::Status InChangingTransaction(
    MysqlPool& pool, const RecordsChanged& announce,
    const std::function<absl::Status(sql::Connection&, std::vector<std::string>& changed)>& body) {
  std::vector<std::string> changed;
  absl::Duration longest_lease;
  absl::Status status = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
    changed.clear();  // A rerun after a deadlock starts over.
    longest_lease = absl::ZeroDuration();
    RETURN_IF_ERROR(body(conn, changed));
    // Last before COMMIT: the gate row stays locked shared for as short as possible.
    ASSIGN_OR_RETURN(longest_lease, RecordReplicaChanges(conn, kIdentityReplicaTables, changed));
    return absl::OkStatus();
  });
  // A transaction that failed before recording did not read the longest lease: read it now (when
  // unreadable, as when the database is gone: this replica's own).
  if (!changed.empty() && announce && longest_lease == absl::ZeroDuration()) {
    longest_lease =
        LongestReplicaLease(pool, kIdentityReplicaTables).value_or(absl::ZeroDuration());
  }
  if (!changed.empty() && announce) announce(changed, longest_lease);
  return status;
}

}  // namespace wse::identity

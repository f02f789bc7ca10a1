#include "rights-svc/mysql_replica_registry.h"

#include <memory>

#include "common/mysql_statements.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace wse::rights {

absl::StatusOr<int64_t> MysqlReplicaRegistry::Renew(const std::string& replica_id,
                                                    const std::string& address,
                                                    absl::Duration lease) {
  int64_t missed = 0;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement upsert = Prepare(
        conn,
        "INSERT INTO replica_leases (replica_id, address, expires_at)"
        " VALUES (?, ?, NOW(6) + INTERVAL ? MICROSECOND)"
        " ON DUPLICATE KEY UPDATE address = VALUES(address), expires_at = VALUES(expires_at)");
    upsert->setString(1, replica_id);
    upsert->setString(2, address);
    upsert->setInt64(3, absl::ToInt64Microseconds(lease));
    upsert->executeUpdate();
    // Read after the renewal: a miss counted before it is seen now, one counted after it is seen
    // at the next renewal, within the lease the writer waits out.
    Statement select =
        Prepare(conn, "SELECT missed_invalidations FROM replica_leases WHERE replica_id = ?");
    select->setString(1, replica_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    if (!rows->next()) return absl::InternalError("the renewed lease is gone");
    missed = rows->getInt64(1);
    // Leases that ended long ago belong to replicas that are gone.
    Statement sweep = Prepare(
        conn, "DELETE FROM replica_leases WHERE expires_at < NOW(6) - INTERVAL 1 HOUR LIMIT 100");
    sweep->executeUpdate();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return missed;
}

absl::StatusOr<absl::Duration> MysqlReplicaRegistry::MarkMissed(const std::string& replica_id) {
  absl::Duration left = absl::ZeroDuration();
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement mark = Prepare(conn,
                             "UPDATE replica_leases SET missed_invalidations ="
                             " missed_invalidations + 1 WHERE replica_id = ?");
    mark->setString(1, replica_id);
    mark->executeUpdate();
    Statement select = Prepare(conn,
                               "SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at))"
                               " FROM replica_leases WHERE replica_id = ?");
    select->setString(1, replica_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    left = rows->next() ? absl::Microseconds(rows->getInt64(1)) : absl::ZeroDuration();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return left;
}

absl::Status MysqlReplicaRegistry::Release(const std::string& replica_id) {
  return WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement remove = Prepare(conn, "DELETE FROM replica_leases WHERE replica_id = ?");
    remove->setString(1, replica_id);
    remove->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ReplicaPeer>> MysqlReplicaRegistry::LivePeers(
    const std::string& replica_id) {
  std::vector<ReplicaPeer> peers;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(
        conn,
        "SELECT replica_id, address, TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at)"
        " FROM replica_leases WHERE expires_at > NOW(6) AND replica_id <> ? ORDER BY replica_id");
    select->setString(1, replica_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    peers.clear();
    while (rows->next()) {
      peers.push_back({std::string(rows->getString(1)), std::string(rows->getString(2)),
                       absl::Microseconds(rows->getInt64(3))});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return peers;
}

}  // namespace wse::rights

#include "common/mysql_replica_registry.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace wse {

namespace {

// More changed keys than this since one renewal: forgetting everything is cheaper.
constexpr int kMaxChangedKeys = 5000;

// The keys changed after `after` up to `changes.through_sequence`; everything when there are
// too many to list.
void ReadChangedKeys(sql::Connection& conn, const ReplicaTables& tables, int64_t after,
                     ChangesSince& changes) {
  Statement changed =
      Prepare(conn, absl::StrCat("SELECT DISTINCT ", tables.key_column, " FROM ", tables.changes,
                                 " WHERE sequence > ? AND sequence <= ? LIMIT ?"));
  changed->setInt64(1, after);
  changed->setInt64(2, changes.through_sequence);
  changed->setInt(3, kMaxChangedKeys + 1);
  std::unique_ptr<sql::ResultSet> rows(changed->executeQuery());
  while (rows->next()) changes.keys.emplace_back(rows->getString(1));
  if (changes.keys.size() > kMaxChangedKeys) {
    changes.everything = true;
    changes.keys.clear();
  }
}

// Changes older than this are pruned. A replica whose previous renewal is older (it lapsed, or
// was frozen) is told "everything" instead, which is always correct; a lease is at most 30 s
// (kMaxReplicaLease), renewed every third of it.
constexpr absl::Duration kHistoryKept = absl::Minutes(2);

// A renewal never moves a lease's end earlier (nor shortens the length that goes with it): a
// holder that renewed through a rights replica with a longer lease, and did not get the answer of
// a later renewal through one with a shorter lease, still counts on the longer one. Assignments
// run left to right, so lease_micros compares with the end before this renewal.
#define WSE_LEASE_NEVER_EARLIER                                                               \
  " lease_micros = IF(VALUES(expires_at) >= expires_at, VALUES(lease_micros), lease_micros)," \
  " expires_at = GREATEST(expires_at, VALUES(expires_at))"

// Live leases of other services' holders (rights-svc's RenewLease) at most.
constexpr int kMaxLeaseHolders = 32;

// Rows removed per statement while pruning (each is its own short transaction).
constexpr int kPruneChunk = 10000;

// The longest lease of any holder that may still count on it (its lease ended less than its own
// length ago, as for Peers), in both lease tables. A plain read: the renewal holds the gate
// exclusively, and every renewal takes the gate first, so no other renewal is in flight.
int64_t LongestLiveLease(sql::Connection& conn) {
  Statement longest = Prepare(conn,
                              "SELECT GREATEST("
                              "(SELECT COALESCE(MAX(lease_micros), 0) FROM replica_leases"
                              " WHERE expires_at > NOW(6) - INTERVAL lease_micros MICROSECOND),"
                              "(SELECT COALESCE(MAX(lease_micros), 0) FROM replica_lease_holders"
                              " WHERE expires_at > NOW(6) - INTERVAL lease_micros MICROSECOND))");
  std::unique_ptr<sql::ResultSet> row(longest->executeQuery());
  return row->next() ? row->getInt64(1) : 0;
}

// Every live holder costs every change a push (and, unreachable, a lease's wait): a caller with
// the holders' credential may not register without bound. Renewing a held lease always works.
absl::Status RoomForHolder(sql::Connection& conn, const std::string& replica_id) {
  Statement live = Prepare(conn,
                           "SELECT COUNT(*) FROM replica_lease_holders"
                           " WHERE expires_at > NOW(6) AND replica_id <> ?");
  live->setString(1, replica_id);
  std::unique_ptr<sql::ResultSet> row(live->executeQuery());
  if (row->next() && row->getInt64(1) >= kMaxLeaseHolders) {
    return absl::ResourceExhaustedError(
        absl::StrCat("already ", kMaxLeaseHolders, " lease holders; one must end first"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Duration> RecordReplicaChanges(sql::Connection& conn,
                                                    const ReplicaTables& tables,
                                                    std::vector<std::string> keys) {
  if (keys.empty()) return absl::ZeroDuration();
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  // Taken before the inserts, which are then plain INSERTs (no AUTO-INC table lock held while
  // waiting for the gate). A locking read: the longest lease as the last renewal left it.
  Statement gate = Prepare(conn, absl::StrCat("SELECT longest_lease_micros FROM ", tables.gate,
                                              " WHERE id = 1 LOCK IN SHARE MODE"));
  std::unique_ptr<sql::ResultSet> row(gate->executeQuery());
  if (!row->next()) return absl::InternalError(absl::StrCat(tables.gate, " is missing"));
  const absl::Duration longest_lease = absl::Microseconds(row->getInt64(1));
  // Multi-row inserts in power-of-two chunks (a batch of selects changes many sessions).
  for (const Chunk& chunk : PowerOfTwoChunks(keys.size())) {
    Statement record =
        Prepare(conn, absl::StrCat("INSERT INTO ", tables.changes, " (", tables.key_column,
                                   ") VALUES ", RowPlaceholders(chunk.size, 1)));
    for (size_t i = 0; i < chunk.size; ++i) {
      record->setString(static_cast<int>(i + 1), keys[chunk.offset + i]);
    }
    record->executeUpdate();
  }
  return longest_lease;
}

absl::StatusOr<absl::Duration> LongestReplicaLease(MysqlPool& pool, const ReplicaTables& tables) {
  absl::Duration longest;
  absl::Status status = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
    Statement gate = Prepare(conn, absl::StrCat("SELECT longest_lease_micros FROM ", tables.gate,
                                                " WHERE id = 1 LOCK IN SHARE MODE"));
    std::unique_ptr<sql::ResultSet> row(gate->executeQuery());
    if (!row->next()) return absl::InternalError(absl::StrCat(tables.gate, " is missing"));
    longest = absl::Microseconds(row->getInt64(1));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return longest;
}

absl::StatusOr<ChangesSince> MysqlReplicaRegistry::RenewHolder(const ReplicaPeer& holder,
                                                               absl::Duration lease,
                                                               std::optional<int64_t> after) {
  ChangesSince changes;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    changes = ChangesSince{};
    // The gate first and exclusively: waits for every transaction that recorded a change and has
    // not committed yet (they hold the gate shared until COMMIT), so every sequence up to MAX is
    // committed; and renewals run one at a time, so the longest lease below is exact.
    Statement gate = Prepare(conn, absl::StrCat("SELECT pruned_through, longest_lease_micros FROM ",
                                                tables_.gate, " WHERE id = 1 FOR UPDATE"));
    std::unique_ptr<sql::ResultSet> gate_row(gate->executeQuery());
    if (!gate_row->next()) return absl::InternalError(absl::StrCat(tables_.gate, " is missing"));
    const int64_t pruned_through = gate_row->getInt64(1);
    const int64_t recorded_longest = gate_row->getInt64(2);
    if (!holder.push_token.empty()) RETURN_IF_ERROR(RoomForHolder(conn, holder.replica_id));
    // Holders of other services in their own table, which replicas of earlier releases (pushing
    // with the service's own token) never read.
    Statement upsert = Prepare(
        conn, holder.push_token.empty()
                  ? "INSERT INTO replica_leases (replica_id, address, expires_at, lease_micros)"
                    " VALUES (?, ?, NOW(6) + INTERVAL ? MICROSECOND, ?)"
                    " ON DUPLICATE KEY UPDATE address = VALUES(address)," WSE_LEASE_NEVER_EARLIER
                  : "INSERT INTO replica_lease_holders"
                    " (replica_id, address, expires_at, lease_micros, push_token)"
                    " VALUES (?, ?, NOW(6) + INTERVAL ? MICROSECOND, ?, ?)"
                    " ON DUPLICATE KEY UPDATE address = VALUES(address),"
                    " push_token = VALUES(push_token)," WSE_LEASE_NEVER_EARLIER);
#undef WSE_LEASE_NEVER_EARLIER
    upsert->setString(1, holder.replica_id);
    upsert->setString(2, holder.address);
    upsert->setInt64(3, absl::ToInt64Microseconds(lease));
    upsert->setInt64(4, absl::ToInt64Microseconds(lease));
    if (!holder.push_token.empty()) upsert->setString(5, holder.push_token);
    upsert->executeUpdate();
    // What writers wait out for a replica they cannot tell (RecordReplicaChanges reads it).
    const int64_t longest = LongestLiveLease(conn);
    if (longest != recorded_longest) {
      Statement record = Prepare(conn, absl::StrCat("UPDATE ", tables_.gate,
                                                    " SET longest_lease_micros = ? WHERE id = 1"));
      record->setInt64(1, longest);
      record->executeUpdate();
    }
    Statement last =
        Prepare(conn, absl::StrCat("SELECT COALESCE(MAX(sequence), 0) FROM ", tables_.changes));
    std::unique_ptr<sql::ResultSet> last_row(last->executeQuery());
    last_row->next();
    changes.through_sequence = std::max(last_row->getInt64(1), pruned_through);
    // Without a starting point, or one outside what the table still holds (pruned past it, or
    // the table is younger than it: a restored database), nothing can be told apart.
    changes.everything =
        !after.has_value() || *after < pruned_through || *after > changes.through_sequence;
    if (!changes.everything && *after < changes.through_sequence) {
      ReadChangedKeys(conn, tables_, *after, changes);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changes;
}

absl::Status MysqlReplicaRegistry::PruneHistory() {
  return WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    // The newest row always stays: were the table ever empty, a server that does not persist
    // its AUTO_INCREMENT could hand out sequences already seen after a restart.
    Statement bounds =
        Prepare(conn, absl::StrCat("SELECT (SELECT MAX(sequence) FROM ", tables_.changes,
                                   " WHERE change_time < NOW(6) - INTERVAL ? MICROSECOND),"
                                   " (SELECT MAX(sequence) FROM ",
                                   tables_.changes, ")"));
    bounds->setInt64(1, absl::ToInt64Microseconds(kHistoryKept));
    std::unique_ptr<sql::ResultSet> row(bounds->executeQuery());
    if (row->next() && !row->isNull(1) && !row->isNull(2)) {
      const int64_t through = std::min(row->getInt64(1), row->getInt64(2) - 1);
      if (through > 0) {
        // Marked first (a short transaction of its own, the gate exclusively): from then on a
        // renewal whose `after` is below it forgets everything, so the rows can go afterwards,
        // in chunks, without holding the gate while writers wait for it.
        // Only when it moves: a row that does not match is passed over without waiting for the
        // writers holding the gate (READ COMMITTED's semi-consistent read).
        Statement mark = Prepare(conn, absl::StrCat("UPDATE ", tables_.gate,
                                                    " SET pruned_through = ?"
                                                    " WHERE id = 1 AND pruned_through < ?"));
        mark->setInt64(1, through);
        mark->setInt64(2, through);
        mark->executeUpdate();
        Statement remove = Prepare(conn, absl::StrCat("DELETE FROM ", tables_.changes,
                                                      " WHERE sequence <= ? LIMIT ", kPruneChunk));
        remove->setInt64(1, through);
        while (remove->executeUpdate() == kPruneChunk) {
        }
      }
    }
    // Leases that ended long ago (their replicas are gone).
    for (const char* table : {"replica_leases", "replica_lease_holders"}) {
      Statement sweep = Prepare(conn, absl::StrCat("DELETE FROM ", table,
                                                   " WHERE expires_at < NOW(6) - INTERVAL 1 HOUR"
                                                   " LIMIT 100"));
      sweep->executeUpdate();
    }
    return absl::OkStatus();
  });
}

absl::Status MysqlReplicaRegistry::Release(const std::string& replica_id) {
  return WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    for (const char* table : {"replica_leases", "replica_lease_holders"}) {
      Statement remove =
          Prepare(conn, absl::StrCat("DELETE FROM ", table, " WHERE replica_id = ?"));
      remove->setString(1, replica_id);
      remove->executeUpdate();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ReplicaPeer>> MysqlReplicaRegistry::Peers(const std::string& replica_id,
                                                                     absl::Duration grace) {
  std::vector<ReplicaPeer> peers;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(conn,
                               "SELECT replica_id, address, '' FROM replica_leases"
                               " WHERE expires_at > NOW(6) - INTERVAL ? MICROSECOND"
                               " AND replica_id <> ?"
                               " UNION ALL SELECT replica_id, address, push_token"
                               " FROM replica_lease_holders"
                               " WHERE expires_at > NOW(6) - INTERVAL ? MICROSECOND"
                               " AND replica_id <> ? ORDER BY 1");
    select->setInt64(1, absl::ToInt64Microseconds(grace));
    select->setString(2, replica_id);
    select->setInt64(3, absl::ToInt64Microseconds(grace));
    select->setString(4, replica_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    peers.clear();
    while (rows->next()) {
      peers.push_back({std::string(rows->getString(1)), std::string(rows->getString(2)),
                       std::string(rows->getString(3))});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return peers;
}

}  // namespace wse

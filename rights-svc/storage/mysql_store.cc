// MysqlRightsStore: transactions, the read-only queries, and the small transaction operations
// (request ids, revisions, outbox). Records: mysql_store_{relations,grants,requests,audit}.cc.

#include "rights-svc/storage/mysql_store.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/mysql_replica_registry.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/outbox.h"
#include "common/request_fingerprint.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "rights-svc/storage/mysql_store_internal.h"

namespace wse::rights {

namespace mysql_internal {

absl::Status DuplicateAsStatus(const std::function<absl::Status()>& write) {
  try {
    return write();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == 1062) return absl::AlreadyExistsError("the resource already exists");
    throw;
  }
}

}  // namespace mysql_internal

using mysql_internal::ColumnText;
using mysql_internal::DuplicateAsStatus;

// ---- MysqlRightsStore ----

absl::Status MysqlRightsStore::Transact(
    const std::function<absl::Status(RightsTransaction&)>& body) {
  std::vector<std::string> bumped;
  absl::Duration longest_lease;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    bumped.clear();  // A rerun after a deadlock starts over.
    longest_lease = absl::ZeroDuration();
    MysqlRightsTransaction transaction(conn, &bumped);
    RETURN_IF_ERROR(body(transaction));
    // Last before COMMIT: the gate row stays locked shared for as short as possible.
    ASSIGN_OR_RETURN(longest_lease, transaction.RecordChanges());
    return absl::OkStatus();
  });
  // Also after a failure: a lost COMMIT may have committed, and telling too much costs one read.
  // A failed transaction that announced (a retry finding the work done) did not read the longest
  // lease in it: read it now (unreadable, as when the database is gone: this replica's own).
  if (!bumped.empty() && revisions_committed_ && longest_lease == absl::ZeroDuration()) {
    longest_lease = LongestReplicaLease(pool_, kRightsReplicaTables).value_or(absl::ZeroDuration());
  }
  if (!bumped.empty() && revisions_committed_) {
    std::sort(bumped.begin(), bumped.end());
    bumped.erase(std::unique(bumped.begin(), bumped.end()), bumped.end());
    revisions_committed_(bumped, longest_lease);
  }
  return status;
}

absl::Status MysqlRightsStore::Read(const std::function<absl::Status(RightsTransaction&)>& body) {
  return WithConnection(pool_, [&body](sql::Connection& conn) -> absl::Status {
    MysqlRightsTransaction transaction(conn);
    return body(transaction);
  });
}

absl::StatusOr<std::vector<GrantRecord>> MysqlRightsStore::UnendedGrants(
    const std::string& organization_id, const std::string& person_id, absl::Time now) {
  std::vector<GrantRecord> grants;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(
        conn, absl::StrCat("SELECT ", mysql_internal::kGrantColumns,
                           " FROM grants FORCE INDEX (grants_holder)"
                           " WHERE organization_id = ? AND person_id = ? AND revoke_time IS NULL"
                           " AND (valid_until IS NULL OR valid_until > ?)"));
    select->setString(1, organization_id);
    select->setString(2, person_id);
    mysql_internal::SetTime(*select, 3, now);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    while (rows->next()) {
      ASSIGN_OR_RETURN(auto grant, mysql_internal::ReadGrant(*rows));
      grants.push_back(std::move(grant));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return grants;
}

absl::StatusOr<std::vector<WorkRelationRecord>> MysqlRightsStore::UnendedWorkRelations(
    const std::string& organization_id, const std::string& person_id, absl::Time now) {
  std::vector<WorkRelationRecord> relations;
  absl::Status status = Read([&](RightsTransaction& tx) -> absl::Status {
    // A person has a handful of relations with one organisation; one page holds them all.
    ASSIGN_OR_RETURN(auto listed,
                     tx.ListWorkRelations({organization_id, person_id, false, now}, {500, ""}));
    relations = std::move(listed);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return relations;
}

absl::StatusOr<int64_t> MysqlRightsStore::Revision(const std::string& organization_id) {
  int64_t revision = 0;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(conn, "SELECT revision FROM revisions WHERE organization_id = ?");
    select->setString(1, organization_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    if (rows->next()) revision = rows->getInt64(1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return revision;
}

// ---- MysqlRightsTransaction: request ids, revisions, outbox ----

absl::StatusOr<std::optional<std::string>> MysqlRightsTransaction::FindRequestId(
    const std::string& request_id, const std::string& kind, const std::string& fingerprint) {
  Statement select = Prepare(conn_,
                             "SELECT resource_id, COALESCE(fingerprint, '') FROM request_ids"
                             " WHERE request_id = ? AND kind = ?");
  select->setString(1, request_id);
  select->setString(2, kind);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return std::optional<std::string>();
  RETURN_IF_ERROR(CheckSameRequest(ColumnText(*rows, 2), fingerprint));
  return std::optional<std::string>(ColumnText(*rows, 1));
}

absl::Status MysqlRightsTransaction::RecordRequestId(const std::string& request_id,
                                                     const std::string& kind,
                                                     const std::string& resource_id,
                                                     const std::string& fingerprint) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert =
        Prepare(conn_,
                "INSERT INTO request_ids (request_id, kind, resource_id, fingerprint)"
                " VALUES (?, ?, ?, ?)");
    insert->setString(1, request_id);
    insert->setString(2, kind);
    insert->setString(3, resource_id);
    insert->setString(4, fingerprint);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status MysqlRightsTransaction::BumpRevision(const std::string& organization_id) {
  Statement bump = Prepare(conn_,
                           "INSERT INTO revisions (organization_id, revision) VALUES (?, 1)"
                           " ON DUPLICATE KEY UPDATE revision = revision + 1");
  bump->setString(1, organization_id);
  bump->executeUpdate();
  if (bumped_ != nullptr) bumped_->push_back(organization_id);
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> MysqlRightsTransaction::RecordChanges() {
  if (bumped_ == nullptr || bumped_->empty()) return absl::ZeroDuration();
  return RecordReplicaChanges(conn_, kRightsReplicaTables, *bumped_);
}

absl::StatusOr<uint64_t> MysqlRightsTransaction::AppendOutbox(const OutboxMessage& message) {
  return AppendToOutbox(conn_, message);
}

}  // namespace wse::rights

// MysqlRegistrationStore: transactions, the reads outside a transaction, and the small
// transaction operations (request ids, outbox). Records: mysql_store_{trainings,drafts,
// participants,registrations,active}.cc; shared helpers: mysql_store_{bulk,columns}.cc.

#include "registration-svc/storage/mysql_store.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/outbox.h"
#include "common/request_fingerprint.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {

using mysql_internal::ColumnText;
using mysql_internal::DuplicateAsStatus;

// ---- MysqlRegistrationStore ----

absl::Status MysqlRegistrationStore::Transact(
    const std::function<absl::Status(RegistrationTransaction&)>& body) {
  return InTransaction(pool_, [&body](sql::Connection& conn) -> absl::Status {
    MysqlRegistrationTransaction transaction(conn);
    return body(transaction);
  });
}

absl::StatusOr<TrainingRecord> MysqlRegistrationStore::GetTraining(const std::string& odb_number) {
  absl::StatusOr<TrainingRecord> training = absl::InternalError("not read");
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    // The transaction's read takes no lock, so it serves on a plain (autocommit) connection too.
    training = MysqlRegistrationTransaction(conn).GetTraining(odb_number);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return training;
}

absl::StatusOr<std::vector<TrainingRecord>> MysqlRegistrationStore::ListTrainings(
    const TrainingFilter& filter, const Page& page) {
  absl::StatusOr<std::vector<TrainingRecord>> trainings = absl::InternalError("not read");
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    trainings = mysql_internal::ListTrainings(conn, filter, page);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return trainings;
}

// ---- MysqlRegistrationTransaction: request ids, outbox ----

absl::StatusOr<std::optional<std::string>> MysqlRegistrationTransaction::FindRequestId(
    const std::string& organization_id, const std::string& kind, const std::string& request_id,
    const std::string& fingerprint) {
  Statement select = Prepare(conn_,
                             "SELECT resource_id, COALESCE(fingerprint, '') FROM request_ids"
                             " WHERE organization_id = ? AND kind = ? AND request_id = ?");
  select->setString(1, organization_id);
  select->setString(2, kind);
  select->setString(3, request_id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return std::optional<std::string>();
  RETURN_IF_ERROR(CheckSameRequest(ColumnText(*rows, 2), fingerprint));
  return std::optional<std::string>(ColumnText(*rows, 1));
}

absl::Status MysqlRegistrationTransaction::RecordRequestId(const std::string& organization_id,
                                                           const std::string& kind,
                                                           const std::string& request_id,
                                                           const std::string& resource_id,
                                                           const std::string& fingerprint) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert = Prepare(conn_,
                               "INSERT INTO request_ids (organization_id, kind, request_id,"
                               " resource_id, fingerprint) VALUES (?, ?, ?, ?, ?)");
    insert->setString(1, organization_id);
    insert->setString(2, kind);
    insert->setString(3, request_id);
    insert->setString(4, resource_id);
    insert->setString(5, fingerprint);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<uint64_t> MysqlRegistrationTransaction::AppendOutbox(const OutboxMessage& message) {
  return AppendToOutbox(conn_, message);
}

}  // namespace wse::registration

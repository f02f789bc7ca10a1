// The hash-chained audit trail: its per-organisation head (audit_heads) and events.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "nlohmann/json.hpp"
#include "rights-svc/storage/mysql_store.h"
#include "rights-svc/storage/mysql_store_internal.h"

namespace wse::rights {

namespace mysql_internal {

absl::StatusOr<AuditRecord> ReadAudit(const sql::ResultSet& row) {
  AuditRecord event;
  event.organization_id = ColumnText(row, 1);
  event.sequence = row.getInt64(2);
  ASSIGN_OR_RETURN(auto time, ColumnTime(row, 3));
  event.event_time = time;
  event.actor = ColumnText(row, 4);
  event.actor_key_type = ColumnText(row, 5);
  event.action = ColumnText(row, 6);
  event.subject = ColumnText(row, 7);
  event.target = ColumnText(row, 8);
  event.reason = ColumnText(row, 9);
  const nlohmann::json details =
      nlohmann::json::parse(ColumnText(row, 10), nullptr, /*allow_exceptions=*/false);
  if (!details.is_object()) return absl::InternalError("audit details are not a JSON object");
  for (const auto& [key, value] : details.items()) {
    if (!value.is_string()) return absl::InternalError("audit details are not all strings");
    event.details[key] = value.get<std::string>();
  }
  event.prev_hash = ColumnText(row, 11);
  event.hash = ColumnText(row, 12);
  return event;
}

}  // namespace mysql_internal

namespace {

using mysql_internal::ColumnText;
using mysql_internal::DuplicateAsStatus;
using mysql_internal::kAuditColumns;
using mysql_internal::SetTime;

std::string DetailsJson(const std::map<std::string, std::string>& details) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : details) object[key] = value;
  // Invalid UTF-8 is replaced rather than thrown: the trail must not fail on odd input.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

absl::StatusOr<AuditRecord> MysqlRightsTransaction::LockAuditHead(
    const std::string& organization_id) {
  // Creates the head on first use. ON DUPLICATE KEY UPDATE (rather than INSERT IGNORE) takes an
  // exclusive lock on an existing head straight away: INSERT IGNORE would take a shared one, and
  // two appenders upgrading their shared locks by the SELECT below would deadlock.
  Statement create =
      Prepare(conn_,
              "INSERT INTO audit_heads (organization_id, sequence, hash) VALUES (?, 0, '')"
              " ON DUPLICATE KEY UPDATE sequence = sequence");
  create->setString(1, organization_id);
  create->executeUpdate();
  Statement select =
      Prepare(conn_, "SELECT sequence, hash FROM audit_heads WHERE organization_id = ? FOR UPDATE");
  select->setString(1, organization_id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::InternalError("audit head missing after its creation");
  AuditRecord head;
  head.organization_id = organization_id;
  head.sequence = rows->getInt64(1);
  head.hash = ColumnText(*rows, 2);
  return head;
}

absl::Status MysqlRightsTransaction::InsertAudit(const AuditRecord& event) {
  return DuplicateAsStatus([&]() -> absl::Status {
    // Move the head first: it must be exactly the event's predecessor (a guard against callers
    // that skipped LockAuditHead or computed the chain from a stale head).
    Statement head = Prepare(conn_,
                             "UPDATE audit_heads SET sequence = ?, hash = ?"
                             " WHERE organization_id = ? AND sequence = ? AND hash = ?");
    head->setInt64(1, event.sequence);
    head->setString(2, event.hash);
    head->setString(3, event.organization_id);
    head->setInt64(4, event.sequence - 1);
    head->setString(5, event.prev_hash);
    if (head->executeUpdate() == 0) {
      return absl::FailedPreconditionError(
          "the audit event does not follow the organisation's audit head");
    }
    Statement insert = Prepare(
        conn_,
        "INSERT INTO audit_events (organization_id, sequence, event_time, actor, actor_key_type,"
        " action, subject, target, reason, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, event.organization_id);
    insert->setInt64(2, event.sequence);
    SetTime(*insert, 3, event.event_time);
    insert->setString(4, event.actor);
    insert->setString(5, event.actor_key_type);
    insert->setString(6, event.action);
    insert->setString(7, event.subject);
    insert->setString(8, event.target);
    insert->setString(9, event.reason);
    insert->setString(10, DetailsJson(event.details));
    insert->setString(11, event.prev_hash);
    insert->setString(12, event.hash);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AuditRecord>> MysqlRightsStore::ListAudit(const AuditFilter& filter,
                                                                     int64_t after_sequence,
                                                                     int limit) {
  if (filter.organization_id.empty()) {
    return absl::InvalidArgumentError("an audit trail is listed per organisation");
  }
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  std::string query = absl::StrCat("SELECT ", kAuditColumns,
                                   " FROM audit_events WHERE organization_id = ? AND sequence > ?");
  if (filter.start_time.has_value()) absl::StrAppend(&query, " AND event_time >= ?");
  if (filter.end_time.has_value()) absl::StrAppend(&query, " AND event_time < ?");
  absl::StrAppend(&query, " ORDER BY sequence LIMIT ?");
  std::vector<AuditRecord> events;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(conn, query);
    unsigned int index = 1;
    select->setString(index++, filter.organization_id);
    select->setInt64(index++, after_sequence);
    if (filter.start_time.has_value()) SetTime(*select, index++, *filter.start_time);
    if (filter.end_time.has_value()) SetTime(*select, index++, *filter.end_time);
    select->setInt(index, limit);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    while (rows->next()) {
      ASSIGN_OR_RETURN(auto event, mysql_internal::ReadAudit(*rows));
      events.push_back(std::move(event));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace wse::rights

// MysqlRightsTransaction: access requests (toegangsaanvragen).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "rights-svc/storage/mysql_store.h"
#include "rights-svc/storage/mysql_store_internal.h"

namespace wse::rights {
namespace {

using mysql_internal::ColumnOptionalTime;
using mysql_internal::ColumnText;
using mysql_internal::ColumnTime;
using mysql_internal::DuplicateAsStatus;
using mysql_internal::SetOptionalTime;
using mysql_internal::SetStringOrNull;
using mysql_internal::SetTime;

constexpr char kRequestSelect[] =
    "SELECT id, organization_id, requester_id, role, context, reason, state, notified_count,"
    " decided_by, " WSE_RIGHTS_TIME("decide_time") ", rejection_reason, grant_id, "
    WSE_RIGHTS_TIME("create_time") ", " WSE_RIGHTS_TIME("expire_time") ", version"
    " FROM access_requests";

// Binds the access_requests_open key: set only while the request is PENDING (the unique index
// ignores NULLs, so decided requests never clash).
void SetOpenKey(sql::PreparedStatement& statement, unsigned int index,
                const AccessRequestRecord& request) {
  SetStringOrNull(statement, index,
                  request.state == "PENDING"
                      ? absl::StrCat(request.organization_id, "/", request.requester_id, "/",
                                     request.role, "/", request.context)
                      : std::string());
}

// The current row, in kRequestSelect's column order.
absl::StatusOr<AccessRequestRecord> ReadRequest(const sql::ResultSet& row) {
  AccessRequestRecord request;
  request.id = ColumnText(row, 1);
  request.organization_id = ColumnText(row, 2);
  request.requester_id = ColumnText(row, 3);
  request.role = ColumnText(row, 4);
  request.context = ColumnText(row, 5);
  request.reason = ColumnText(row, 6);
  request.state = ColumnText(row, 7);
  request.notified_count = row.getInt(8);
  request.decided_by = ColumnText(row, 9);
  ASSIGN_OR_RETURN(auto decided, ColumnOptionalTime(row, 10));
  request.decide_time = decided;
  request.rejection_reason = ColumnText(row, 11);
  request.grant_id = ColumnText(row, 12);
  ASSIGN_OR_RETURN(auto created, ColumnTime(row, 13));
  request.create_time = created;
  ASSIGN_OR_RETURN(auto expires, ColumnTime(row, 14));
  request.expire_time = expires;
  request.version = row.getInt64(15);
  return request;
}

absl::StatusOr<std::vector<AccessRequestRecord>> ReadRequests(sql::ResultSet& rows) {
  std::vector<AccessRequestRecord> requests;
  while (rows.next()) {
    ASSIGN_OR_RETURN(auto request, ReadRequest(rows));
    requests.push_back(std::move(request));
  }
  return requests;
}

}  // namespace

absl::Status MysqlRightsTransaction::InsertAccessRequest(const AccessRequestRecord& request) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert = Prepare(
        conn_,
        "INSERT INTO access_requests (id, organization_id, requester_id, role, context, reason,"
        " state, open_key, notified_count, decided_by, decide_time, rejection_reason, grant_id,"
        " create_time, expire_time, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, request.id);
    insert->setString(2, request.organization_id);
    insert->setString(3, request.requester_id);
    insert->setString(4, request.role);
    insert->setString(5, request.context);
    insert->setString(6, request.reason);
    insert->setString(7, request.state);
    SetOpenKey(*insert, 8, request);
    insert->setInt(9, request.notified_count);
    SetStringOrNull(*insert, 10, request.decided_by);
    SetOptionalTime(*insert, 11, request.decide_time);
    SetStringOrNull(*insert, 12, request.rejection_reason);
    SetStringOrNull(*insert, 13, request.grant_id);
    SetTime(*insert, 14, request.create_time);
    SetTime(*insert, 15, request.expire_time);
    insert->setInt64(16, request.version);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<AccessRequestRecord> MysqlRightsTransaction::GetAccessRequest(
    const std::string& organization_id, const std::string& id) {
  Statement select = Prepare(
      conn_, absl::StrCat(kRequestSelect, " WHERE organization_id = ? AND id = ? FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("access request not found");
  return ReadRequest(*rows);
}

absl::Status MysqlRightsTransaction::UpdateAccessRequest(const AccessRequestRecord& request) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement update =
        Prepare(conn_,
                "UPDATE access_requests SET requester_id = ?, role = ?, context = ?, reason = ?,"
                " state = ?, open_key = ?, notified_count = ?, decided_by = ?, decide_time = ?,"
                " rejection_reason = ?, grant_id = ?, expire_time = ?, version = ?"
                " WHERE organization_id = ? AND id = ? AND version = ?");
    update->setString(1, request.requester_id);
    update->setString(2, request.role);
    update->setString(3, request.context);
    update->setString(4, request.reason);
    update->setString(5, request.state);
    SetOpenKey(*update, 6, request);
    update->setInt(7, request.notified_count);
    SetStringOrNull(*update, 8, request.decided_by);
    SetOptionalTime(*update, 9, request.decide_time);
    SetStringOrNull(*update, 10, request.rejection_reason);
    SetStringOrNull(*update, 11, request.grant_id);
    SetTime(*update, 12, request.expire_time);
    update->setInt64(13, request.version);
    update->setString(14, request.organization_id);
    update->setString(15, request.id);
    update->setInt64(16, request.version - 1);
    if (update->executeUpdate() == 0) {
      return absl::AbortedError("the resource was changed meanwhile; reload and retry");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AccessRequestRecord>> MysqlRightsTransaction::ListAccessRequests(
    const AccessRequestFilter& filter, const PageRequest& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat(kRequestSelect, " WHERE id > ?");
  if (!filter.organization_id.empty()) absl::StrAppend(&query, " AND organization_id = ?");
  if (!filter.state.empty()) absl::StrAppend(&query, " AND state = ?");
  if (!filter.requester_id.empty()) absl::StrAppend(&query, " AND requester_id = ?");
  absl::StrAppend(&query, " ORDER BY id LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, page.after);
  if (!filter.organization_id.empty()) select->setString(index++, filter.organization_id);
  if (!filter.state.empty()) select->setString(index++, filter.state);
  if (!filter.requester_id.empty()) select->setString(index++, filter.requester_id);
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  return ReadRequests(*rows);
}

absl::StatusOr<std::vector<AccessRequestRecord>> MysqlRightsTransaction::ClaimExpiredRequests(
    absl::Time now, int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  // Index access_requests_due (state, expire_time); rows another replica holds are skipped.
  Statement select = Prepare(
      conn_,
      absl::StrCat(kRequestSelect,
                   " WHERE state = 'PENDING' AND expire_time <= ? ORDER BY expire_time, id LIMIT ?"
                   " FOR UPDATE SKIP LOCKED"));
  SetTime(*select, 1, now);
  select->setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  return ReadRequests(*rows);
}

}  // namespace wse::rights

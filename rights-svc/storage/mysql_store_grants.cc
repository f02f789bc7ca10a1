// MysqlRightsTransaction: grants (rechten).

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

namespace mysql_internal {

absl::StatusOr<GrantRecord> ReadGrant(const sql::ResultSet& row) {
  GrantRecord grant;
  grant.id = ColumnText(row, 1);
  grant.organization_id = ColumnText(row, 2);
  grant.person_id = ColumnText(row, 3);
  grant.role = ColumnText(row, 4);
  grant.context = ColumnText(row, 5);
  ASSIGN_OR_RETURN(auto valid_from, ColumnTime(row, 6));
  grant.valid_from = valid_from;
  ASSIGN_OR_RETURN(auto valid_until, ColumnOptionalTime(row, 7));
  grant.valid_until = valid_until;
  grant.granted_by = ColumnText(row, 8);
  grant.access_request_id = ColumnText(row, 9);
  grant.revoked_by = ColumnText(row, 10);
  grant.revoke_reason = ColumnText(row, 11);
  ASSIGN_OR_RETURN(auto revoked, ColumnOptionalTime(row, 12));
  grant.revoke_time = revoked;
  ASSIGN_OR_RETURN(auto created, ColumnTime(row, 13));
  grant.create_time = created;
  ASSIGN_OR_RETURN(auto updated, ColumnTime(row, 14));
  grant.update_time = updated;
  grant.version = row.getInt64(15);
  return grant;
}

}  // namespace mysql_internal

namespace {

using mysql_internal::DuplicateAsStatus;
using mysql_internal::kGrantColumns;
using mysql_internal::ReadGrant;
using mysql_internal::SetOptionalTime;
using mysql_internal::SetStringOrNull;
using mysql_internal::SetTime;

}  // namespace

absl::Status MysqlRightsTransaction::InsertGrant(const GrantRecord& grant) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert = Prepare(
        conn_,
        "INSERT INTO grants (id, organization_id, person_id, role, context, valid_from,"
        " valid_until, granted_by, access_request_id, revoked_by, revoke_reason, revoke_time,"
        " create_time, update_time, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, grant.id);
    insert->setString(2, grant.organization_id);
    insert->setString(3, grant.person_id);
    insert->setString(4, grant.role);
    insert->setString(5, grant.context);
    SetTime(*insert, 6, grant.valid_from);
    SetOptionalTime(*insert, 7, grant.valid_until);
    insert->setString(8, grant.granted_by);
    SetStringOrNull(*insert, 9, grant.access_request_id);
    SetStringOrNull(*insert, 10, grant.revoked_by);
    SetStringOrNull(*insert, 11, grant.revoke_reason);
    SetOptionalTime(*insert, 12, grant.revoke_time);
    SetTime(*insert, 13, grant.create_time);
    SetTime(*insert, 14, grant.update_time);
    insert->setInt64(15, grant.version);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<GrantRecord> MysqlRightsTransaction::GetGrant(const std::string& organization_id,
                                                             const std::string& id) {
  Statement select =
      Prepare(conn_, absl::StrCat("SELECT ", kGrantColumns,
                                  " FROM grants WHERE organization_id = ? AND id = ? FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("grant not found");
  return ReadGrant(*rows);
}

absl::Status MysqlRightsTransaction::UpdateGrant(const GrantRecord& grant) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement update = Prepare(
        conn_,
        "UPDATE grants SET person_id = ?, role = ?, context = ?, valid_from = ?, valid_until = ?,"
        " granted_by = ?, access_request_id = ?, revoked_by = ?, revoke_reason = ?,"
        " revoke_time = ?, update_time = ?, version = ?"
        " WHERE organization_id = ? AND id = ? AND version = ?");
    update->setString(1, grant.person_id);
    update->setString(2, grant.role);
    update->setString(3, grant.context);
    SetTime(*update, 4, grant.valid_from);
    SetOptionalTime(*update, 5, grant.valid_until);
    update->setString(6, grant.granted_by);
    SetStringOrNull(*update, 7, grant.access_request_id);
    SetStringOrNull(*update, 8, grant.revoked_by);
    SetStringOrNull(*update, 9, grant.revoke_reason);
    SetOptionalTime(*update, 10, grant.revoke_time);
    SetTime(*update, 11, grant.update_time);
    update->setInt64(12, grant.version);
    update->setString(13, grant.organization_id);
    update->setString(14, grant.id);
    update->setInt64(15, grant.version - 1);
    if (update->executeUpdate() == 0) {
      return absl::AbortedError("the resource was changed meanwhile; reload and retry");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<GrantRecord>> MysqlRightsTransaction::ListGrants(
    const GrantFilter& filter, const PageRequest& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat("SELECT ", kGrantColumns, " FROM grants WHERE id > ?");
  if (!filter.organization_id.empty()) absl::StrAppend(&query, " AND organization_id = ?");
  if (!filter.person_id.empty()) absl::StrAppend(&query, " AND person_id = ?");
  if (!filter.role.empty()) absl::StrAppend(&query, " AND role = ?");
  if (!filter.include_inactive) {
    absl::StrAppend(&query,
                    " AND revoke_time IS NULL AND (valid_until IS NULL OR valid_until > ?)");
  }
  absl::StrAppend(&query, " ORDER BY id LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, page.after);
  if (!filter.organization_id.empty()) select->setString(index++, filter.organization_id);
  if (!filter.person_id.empty()) select->setString(index++, filter.person_id);
  if (!filter.role.empty()) select->setString(index++, filter.role);
  if (!filter.include_inactive) SetTime(*select, index++, filter.now);
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<GrantRecord> grants;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto grant, ReadGrant(*rows));
    grants.push_back(std::move(grant));
  }
  return grants;
}

absl::StatusOr<std::vector<GrantRecord>> MysqlRightsTransaction::LockGrantsWithRole(
    const std::string& organization_id, const std::string& role, absl::Time now) {
  // A locking read sees the newest committed rows (also under READ COMMITTED), and rows a
  // concurrent transaction revoked before releasing them no longer match once it committed.
  Statement select = Prepare(
      conn_, absl::StrCat("SELECT ", kGrantColumns,
                          " FROM grants WHERE organization_id = ? AND role = ?"
                          " AND revoke_time IS NULL AND (valid_until IS NULL OR valid_until > ?)"
                          " ORDER BY id FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, role);
  SetTime(*select, 3, now);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<GrantRecord> grants;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto grant, ReadGrant(*rows));
    grants.push_back(std::move(grant));
  }
  return grants;
}

absl::StatusOr<std::vector<GrantRecord>> MysqlRightsTransaction::ClaimExpiringGrants(
    absl::Time now, absl::Time horizon, int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  // Index grants_expiring (valid_until, expiry_notice_time): only claimed rows are locked.
  Statement select = Prepare(
      conn_,
      absl::StrCat(
          "SELECT ", kGrantColumns,
          " FROM grants WHERE valid_until > ? AND valid_until <= ? AND expiry_notice_time IS NULL"
          " AND revoke_time IS NULL ORDER BY valid_until, id LIMIT ? FOR UPDATE SKIP LOCKED"));
  SetTime(*select, 1, now);
  SetTime(*select, 2, horizon);
  select->setInt(3, limit);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<GrantRecord> out;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto grant, ReadGrant(*rows));
    out.push_back(std::move(grant));
  }
  return out;
}

absl::Status MysqlRightsTransaction::MarkExpiryNoticeSent(const std::string& organization_id,
                                                          const std::string& id, absl::Time when) {
  Statement update = Prepare(
      conn_, "UPDATE grants SET expiry_notice_time = ? WHERE organization_id = ? AND id = ?");
  SetTime(*update, 1, when);
  update->setString(2, organization_id);
  update->setString(3, id);
  if (update->executeUpdate() == 0) return absl::NotFoundError("grant not found");
  return absl::OkStatus();
}

}  // namespace wse::rights

// MysqlRightsTransaction: work relations (werkrelaties).

#include <memory>
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

constexpr char kRelationSelect[] =
    "SELECT id, organization_id, person_id, type, " WSE_RIGHTS_TIME("valid_from") ", "
    WSE_RIGHTS_TIME("valid_until") ", end_reason, " WSE_RIGHTS_TIME("create_time") ", "
    WSE_RIGHTS_TIME("update_time") ", version FROM work_relations";

// The current row, in kRelationSelect's column order.
absl::StatusOr<WorkRelationRecord> ReadRelation(const sql::ResultSet& row) {
  WorkRelationRecord relation;
  relation.id = ColumnText(row, 1);
  relation.organization_id = ColumnText(row, 2);
  relation.person_id = ColumnText(row, 3);
  relation.type = ColumnText(row, 4);
  ASSIGN_OR_RETURN(auto valid_from, ColumnTime(row, 5));
  relation.valid_from = valid_from;
  ASSIGN_OR_RETURN(auto valid_until, ColumnOptionalTime(row, 6));
  relation.valid_until = valid_until;
  relation.end_reason = ColumnText(row, 7);
  ASSIGN_OR_RETURN(auto created, ColumnTime(row, 8));
  relation.create_time = created;
  ASSIGN_OR_RETURN(auto updated, ColumnTime(row, 9));
  relation.update_time = updated;
  relation.version = row.getInt64(10);
  return relation;
}

}  // namespace

absl::Status MysqlRightsTransaction::InsertWorkRelation(const WorkRelationRecord& relation) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert =
        Prepare(conn_,
                "INSERT INTO work_relations (id, organization_id, person_id, type, valid_from,"
                " valid_until, end_reason, create_time, update_time, version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, relation.id);
    insert->setString(2, relation.organization_id);
    insert->setString(3, relation.person_id);
    insert->setString(4, relation.type);
    SetTime(*insert, 5, relation.valid_from);
    SetOptionalTime(*insert, 6, relation.valid_until);
    SetStringOrNull(*insert, 7, relation.end_reason);
    SetTime(*insert, 8, relation.create_time);
    SetTime(*insert, 9, relation.update_time);
    insert->setInt64(10, relation.version);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<WorkRelationRecord> MysqlRightsTransaction::GetWorkRelation(
    const std::string& organization_id, const std::string& id) {
  Statement select = Prepare(
      conn_, absl::StrCat(kRelationSelect, " WHERE organization_id = ? AND id = ? FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("work relation not found");
  return ReadRelation(*rows);
}

absl::Status MysqlRightsTransaction::UpdateWorkRelation(const WorkRelationRecord& relation) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement update = Prepare(
        conn_,
        "UPDATE work_relations SET person_id = ?, type = ?, valid_from = ?, valid_until = ?,"
        " end_reason = ?, update_time = ?, version = ?"
        " WHERE organization_id = ? AND id = ? AND version = ?");
    update->setString(1, relation.person_id);
    update->setString(2, relation.type);
    SetTime(*update, 3, relation.valid_from);
    SetOptionalTime(*update, 4, relation.valid_until);
    SetStringOrNull(*update, 5, relation.end_reason);
    SetTime(*update, 6, relation.update_time);
    update->setInt64(7, relation.version);
    update->setString(8, relation.organization_id);
    update->setString(9, relation.id);
    update->setInt64(10, relation.version - 1);
    if (update->executeUpdate() == 0) {
      return absl::AbortedError("the resource was changed meanwhile; reload and retry");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<WorkRelationRecord>> MysqlRightsTransaction::ListWorkRelations(
    const WorkRelationFilter& filter, const PageRequest& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat(kRelationSelect, " WHERE id > ?");
  if (!filter.organization_id.empty()) absl::StrAppend(&query, " AND organization_id = ?");
  if (!filter.person_id.empty()) absl::StrAppend(&query, " AND person_id = ?");
  if (!filter.include_ended) {
    absl::StrAppend(&query, " AND (valid_until IS NULL OR valid_until > ?)");
  }
  absl::StrAppend(&query, " ORDER BY id LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, page.after);
  if (!filter.organization_id.empty()) select->setString(index++, filter.organization_id);
  if (!filter.person_id.empty()) select->setString(index++, filter.person_id);
  if (!filter.include_ended) SetTime(*select, index++, filter.now);
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<WorkRelationRecord> relations;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto relation, ReadRelation(*rows));
    relations.push_back(std::move(relation));
  }
  return relations;
}

}  // namespace wse::rights

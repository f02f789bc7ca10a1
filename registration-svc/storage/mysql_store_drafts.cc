// MysqlRegistrationTransaction: drafts (the rows themselves; their participants are in
// mysql_store_participants.cc).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "registration-svc/storage/mysql_store.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {
namespace {

using mysql_internal::ColumnText;
using mysql_internal::ColumnTime;
using mysql_internal::DuplicateAsStatus;
using mysql_internal::kChanged;
using mysql_internal::SetStringOrNull;
using mysql_internal::SetTime;

// participant_count is counted, not stored; it needs no lock of its own, as the caller holds
// the draft row, which guards its participants.
constexpr char kDraftSelect[] =
    "SELECT d.id, d.organization_id, d.odb_number, d.school_year, d.state,"
    " d.corrects_registration_id, d.corrects_version, d.registration_id, d.registration_version,"
    " d.creator_id, " WSE_REGISTRATION_TIME("d.create_time") ", "
    WSE_REGISTRATION_TIME("d.update_time") ", " WSE_REGISTRATION_TIME("d.expire_time") ","
    " d.version, d.validated_version,"
    " (SELECT COUNT(*) FROM draft_participants p WHERE p.draft_id = d.id)"
    " FROM drafts d";

// The current row, in kDraftSelect's column order.
absl::StatusOr<DraftRecord> ReadDraft(const sql::ResultSet& row) {
  DraftRecord draft;
  draft.id = ColumnText(row, 1);
  draft.organization_id = ColumnText(row, 2);
  draft.odb_number = ColumnText(row, 3);
  draft.school_year = row.getInt(4);
  draft.state = static_cast<DraftState>(row.getInt(5));
  draft.corrects_registration_id = ColumnText(row, 6);
  draft.corrects_version = row.getInt(7);
  draft.registration_id = ColumnText(row, 8);
  draft.registration_version = row.getInt(9);
  draft.creator_id = ColumnText(row, 10);
  absl::Time* const times[] = {&draft.create_time, &draft.update_time, &draft.expire_time};
  uint32_t column = 11;
  for (absl::Time* time : times) {
    ASSIGN_OR_RETURN(auto read, ColumnTime(row, column++));
    *time = read;
  }
  draft.version = row.getInt64(14);
  draft.validated_version = row.getInt64(15);
  draft.participant_count = row.getInt(16);
  return draft;
}

absl::StatusOr<std::vector<DraftRecord>> ReadDrafts(sql::ResultSet& rows) {
  std::vector<DraftRecord> drafts;
  while (rows.next()) {
    ASSIGN_OR_RETURN(auto draft, ReadDraft(rows));
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

}  // namespace

absl::Status MysqlRegistrationTransaction::InsertDraft(const DraftRecord& draft) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert = Prepare(
        conn_,
        "INSERT INTO drafts (id, organization_id, odb_number, school_year, state,"
        " corrects_registration_id, corrects_version, registration_id, registration_version,"
        " creator_id, create_time, update_time, expire_time, version, validated_version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, draft.id);
    insert->setString(2, draft.organization_id);
    insert->setString(3, draft.odb_number);
    insert->setInt(4, draft.school_year);
    insert->setInt(5, static_cast<int>(draft.state));
    SetStringOrNull(*insert, 6, draft.corrects_registration_id);
    insert->setInt(7, draft.corrects_version);
    SetStringOrNull(*insert, 8, draft.registration_id);
    insert->setInt(9, draft.registration_version);
    insert->setString(10, draft.creator_id);
    SetTime(*insert, 11, draft.create_time);
    SetTime(*insert, 12, draft.update_time);
    SetTime(*insert, 13, draft.expire_time);
    insert->setInt64(14, draft.version);
    insert->setInt64(15, draft.validated_version);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<DraftRecord> MysqlRegistrationTransaction::GetDraft(
    const std::string& organization_id, const std::string& id) {
  Statement select = Prepare(
      conn_, absl::StrCat(kDraftSelect, " WHERE d.organization_id = ? AND d.id = ? FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("draft not found");
  return ReadDraft(*rows);
}

absl::StatusOr<std::vector<std::optional<DraftRecord>>> MysqlRegistrationTransaction::GetDrafts(
    const std::vector<DraftKey>& keys) {
  std::vector<std::optional<DraftRecord>> out(keys.size());
  if (keys.empty()) return out;
  std::vector<std::string> org_and_id;
  org_and_id.reserve(2 * keys.size());
  for (const DraftKey& key : keys) {
    org_and_id.push_back(key.organization_id);
    org_and_id.push_back(key.id);
  }
  // Only the callers' own organisations' drafts are read and locked (drafts_org), so naming
  // another organisation's draft locks nothing of theirs. A draft locked by a concurrent edit is
  // skipped rather than waited for: it reads as absent and is confirmed alone afterwards, so the
  // shared writer never waits on one caller's row.
  Statement select =
      Prepare(conn_, absl::StrCat(kDraftSelect, " WHERE (d.organization_id, d.id) IN (",
                                  wse::RowPlaceholders(PaddedCount(keys.size()), 2),
                                  ") FOR UPDATE SKIP LOCKED"));
  BindPaddedRows(*select, org_and_id, 2);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  absl::flat_hash_map<std::string, DraftRecord> found;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto draft, ReadDraft(*rows));
    std::string id = draft.id;
    found.emplace(std::move(id), std::move(draft));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = found.find(keys[i].id);
    if (it != found.end() && it->second.organization_id == keys[i].organization_id) {
      out[i] = it->second;
    }
  }
  return out;
}

absl::Status MysqlRegistrationTransaction::UpdateDraft(const DraftRecord& draft) {
  Statement update = Prepare(
      conn_,
      "UPDATE drafts SET odb_number = ?, school_year = ?, state = ?,"
      " corrects_registration_id = ?, corrects_version = ?, registration_id = ?,"
      " registration_version = ?, creator_id = ?, update_time = ?, expire_time = ?, version = ?,"
      " validated_version = ?"
      " WHERE organization_id = ? AND id = ? AND version = ?");
  update->setString(1, draft.odb_number);
  update->setInt(2, draft.school_year);
  update->setInt(3, static_cast<int>(draft.state));
  SetStringOrNull(*update, 4, draft.corrects_registration_id);
  update->setInt(5, draft.corrects_version);
  SetStringOrNull(*update, 6, draft.registration_id);
  update->setInt(7, draft.registration_version);
  update->setString(8, draft.creator_id);
  SetTime(*update, 9, draft.update_time);
  SetTime(*update, 10, draft.expire_time);
  update->setInt64(11, draft.version);
  update->setInt64(12, draft.validated_version);
  update->setString(13, draft.organization_id);
  update->setString(14, draft.id);
  update->setInt64(15, draft.version - 1);
  // The version always changes, so a matched row is a changed row.
  if (update->executeUpdate() == 0) return absl::AbortedError(kChanged);
  return absl::OkStatus();
}

absl::Status MysqlRegistrationTransaction::MarkValidated(const std::string& organization_id,
                                                         const std::string& id, int64_t version) {
  Statement mark = Prepare(conn_,
                           "UPDATE drafts SET validated_version = ? WHERE organization_id = ? AND "
                           "id = ? AND version = ?");
  mark->setInt64(1, version);
  mark->setString(2, organization_id);
  mark->setString(3, id);
  mark->setInt64(4, version);
  mark->executeUpdate();  // 0 rows: changed meanwhile, so the validation is stale anyway.
  return absl::OkStatus();
}

absl::Status MysqlRegistrationTransaction::DeleteDraft(const std::string& organization_id,
                                                       const std::string& id) {
  Statement remove = Prepare(conn_, "DELETE FROM drafts WHERE organization_id = ? AND id = ?");
  remove->setString(1, organization_id);
  remove->setString(2, id);
  // The draft first: its organisation decides whether the participants may go.
  if (remove->executeUpdate() == 0) return absl::NotFoundError("draft not found");
  return DeleteAllParticipants(id);
}

absl::StatusOr<int> MysqlRegistrationTransaction::PurgeDrafts(absl::Time expired_before,
                                                              int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  // SKIP LOCKED: a draft someone is working on (it cannot be, once expired, but a confirm that
  // started just before may still hold it) waits for the next pass.
  Statement select = Prepare(conn_,
                             "SELECT id FROM drafts WHERE expire_time < ? ORDER BY expire_time"
                             " LIMIT ? FOR UPDATE SKIP LOCKED");
  SetTime(*select, 1, expired_before);
  select->setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<std::string> ids;
  while (rows->next()) ids.push_back(ColumnText(*rows, 1));
  if (ids.empty()) return 0;
  const std::string marks = absl::StrJoin(std::vector<std::string>(ids.size(), "?"), ",");
  for (const char* table : {"draft_participants WHERE draft_id", "drafts WHERE id"}) {
    Statement remove = Prepare(conn_, absl::StrCat("DELETE FROM ", table, " IN (", marks, ")"));
    for (size_t i = 0; i < ids.size(); ++i) {
      remove->setString(static_cast<unsigned int>(i + 1), ids[i]);
    }
    remove->executeUpdate();
  }
  return static_cast<int>(ids.size());
}

absl::StatusOr<std::vector<DraftRecord>> MysqlRegistrationTransaction::ListDrafts(
    const DraftFilter& filter, const Page& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat(kDraftSelect, " WHERE d.organization_id = ?");
  if (!page.after.empty()) absl::StrAppend(&query, " AND d.id < ?");
  if (!filter.odb_number.empty()) absl::StrAppend(&query, " AND d.odb_number = ?");
  if (filter.school_year != 0) absl::StrAppend(&query, " AND d.school_year = ?");
  if (!filter.include_closed) absl::StrAppend(&query, " AND d.state = ?");
  absl::StrAppend(&query, " ORDER BY d.id DESC LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, filter.organization_id);
  if (!page.after.empty()) select->setString(index++, page.after);
  if (!filter.odb_number.empty()) select->setString(index++, filter.odb_number);
  if (filter.school_year != 0) select->setInt(index++, filter.school_year);
  if (!filter.include_closed) select->setInt(index++, static_cast<int>(DraftState::kOpen));
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  return ReadDrafts(*rows);
}

absl::StatusOr<std::vector<DraftRecord>> MysqlRegistrationTransaction::OpenCorrections(
    const std::string& organization_id, const std::string& registration_id) {
  Statement select =
      Prepare(conn_, absl::StrCat(kDraftSelect,
                                  " WHERE d.organization_id = ? AND d.corrects_registration_id = ?"
                                  " AND d.state = ? ORDER BY d.id DESC"));
  select->setString(1, organization_id);
  select->setString(2, registration_id);
  select->setInt(3, static_cast<int>(DraftState::kOpen));
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  return ReadDrafts(*rows);
}

}  // namespace wse::registration

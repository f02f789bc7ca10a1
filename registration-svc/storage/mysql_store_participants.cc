// MysqlRegistrationTransaction: the participant rows of a draft. Bulk writes are chunked
// multi-row INSERTs inside a savepoint (all or nothing).

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
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

using mysql_internal::AllOrNothing;
using mysql_internal::BindData;
using mysql_internal::ColumnText;
using mysql_internal::DataColumnAssignments;
using mysql_internal::DataColumnList;
using mysql_internal::DataColumnUpserts;
using mysql_internal::InputSelectList;
using mysql_internal::InsertRows;
using mysql_internal::kDataColumnCount;
using mysql_internal::ReadInput;

const std::string& ParticipantSelect() {
  static const std::string* const kSelect =
      new std::string(absl::StrCat("SELECT id, ", InputSelectList(), " FROM draft_participants"));
  return *kSelect;
}

// The current row, in ParticipantSelect()'s column order.
absl::StatusOr<ParticipantRecord> ReadParticipant(const sql::ResultSet& row) {
  ParticipantRecord participant;
  participant.id = ColumnText(row, 1);
  RETURN_IF_ERROR(ReadInput(row, 2, participant.display_name, participant.input));
  return participant;
}

// INSERT of (draft_id, id, insz, <data columns>) rows; `tail` as for InsertRows.
void InsertParticipantRows(sql::Connection& conn, const std::string& draft_id,
                           const std::vector<ParticipantRecord>& participants,
                           const std::string& tail) {
  InsertRows(
      conn,
      absl::StrCat("INSERT INTO draft_participants (draft_id, id, insz, ", DataColumnList(), ")"),
      3 + kDataColumnCount, tail, participants.size(),
      [&](sql::PreparedStatement& statement, unsigned int first, size_t row) {
        const ParticipantRecord& participant = participants[row];
        statement.setString(first, draft_id);
        statement.setString(first + 1, participant.id);
        statement.setString(first + 2, participant.input.insz);
        BindData(statement, first + 3, participant.display_name, participant.input);
      });
}

}  // namespace

absl::StatusOr<std::vector<ParticipantRecord>> MysqlRegistrationTransaction::ListParticipants(
    const std::string& draft_id) {
  Statement select =
      Prepare(conn_, absl::StrCat(ParticipantSelect(), " WHERE draft_id = ? ORDER BY id"));
  select->setString(1, draft_id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<ParticipantRecord> participants;
  participants.reserve(rows->rowsCount());
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto participant, ReadParticipant(*rows));
    participants.push_back(std::move(participant));
  }
  return participants;
}

absl::StatusOr<std::vector<std::vector<ParticipantRecord>>>
MysqlRegistrationTransaction::ListParticipantsOf(const std::vector<std::string>& draft_ids) {
  std::vector<std::vector<ParticipantRecord>> out(draft_ids.size());
  if (draft_ids.empty()) return out;
  Statement select = Prepare(conn_, absl::StrCat("SELECT draft_id, id, ", InputSelectList(),
                                                 " FROM draft_participants WHERE draft_id IN (",
                                                 wse::Placeholders(PaddedCount(draft_ids.size())),
                                                 ") ORDER BY draft_id, id"));
  BindPadded(*select, draft_ids);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  absl::flat_hash_map<std::string, std::vector<ParticipantRecord>> by_draft;
  while (rows->next()) {
    ParticipantRecord participant;
    participant.id = ColumnText(*rows, 2);
    RETURN_IF_ERROR(ReadInput(*rows, 3, participant.display_name, participant.input));
    by_draft[ColumnText(*rows, 1)].push_back(std::move(participant));
  }
  for (size_t i = 0; i < draft_ids.size(); ++i) {
    auto it = by_draft.find(draft_ids[i]);
    if (it != by_draft.end()) out[i] = it->second;  // A copy: an id may be asked for twice.
  }
  return out;
}

absl::StatusOr<ParticipantRecord> MysqlRegistrationTransaction::GetParticipant(
    const std::string& draft_id, const std::string& participant_id) {
  Statement select =
      Prepare(conn_, absl::StrCat(ParticipantSelect(), " WHERE draft_id = ? AND id = ?"));
  select->setString(1, draft_id);
  select->setString(2, participant_id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("participant not found");
  return ReadParticipant(*rows);
}

absl::Status MysqlRegistrationTransaction::InsertParticipants(
    const std::string& draft_id, const std::vector<ParticipantRecord>& participants) {
  // The unique key (draft_id, insz) catches an INSZ already in the draft and one given twice,
  // in whichever chunk; the savepoint then takes the earlier chunks back out.
  return AllOrNothing(conn_, [&]() -> absl::Status {
    InsertParticipantRows(conn_, draft_id, participants, "");
    return absl::OkStatus();
  });
}

absl::Status MysqlRegistrationTransaction::MergeParticipants(
    const std::string& draft_id, const std::vector<ParticipantRecord>& participants) {
  // Rows whose INSZ is stored get the stored id, so they clash on the primary key: InnoDB then
  // updates in place, where a clash on the secondary (draft_id, insz) key would first insert the
  // clustered row and undo it again (about three times the work for an all-matching upload).
  // The caller holds the draft row, so the map stays current; if it did not, a clash on the
  // INSZ would still update the stored row. id and insz are not assigned, so they stay.
  absl::flat_hash_map<std::string, std::string> stored_ids;
  {
    Statement select = Prepare(conn_, "SELECT insz, id FROM draft_participants WHERE draft_id = ?");
    select->setString(1, draft_id);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    stored_ids.reserve(rows->rowsCount());
    while (rows->next()) stored_ids.emplace(ColumnText(*rows, 1), ColumnText(*rows, 2));
  }
  std::vector<ParticipantRecord> keyed = participants;
  for (ParticipantRecord& participant : keyed) {
    auto stored = stored_ids.find(participant.input.insz);
    if (stored != stored_ids.end()) participant.id = stored->second;
  }
  return AllOrNothing(conn_, [&]() -> absl::Status {
    InsertParticipantRows(conn_, draft_id, keyed,
                          absl::StrCat("ON DUPLICATE KEY UPDATE ", DataColumnUpserts()));
    return absl::OkStatus();
  });
}

absl::Status MysqlRegistrationTransaction::UpdateParticipant(const std::string& draft_id,
                                                             const ParticipantRecord& participant) {
  Statement update =
      Prepare(conn_, absl::StrCat("UPDATE draft_participants SET ", DataColumnAssignments(),
                                  " WHERE draft_id = ? AND id = ?"));
  BindData(*update, 1, participant.display_name, participant.input);
  update->setString(kDataColumnCount + 1, draft_id);
  update->setString(kDataColumnCount + 2, participant.id);
  if (update->executeUpdate() > 0) return absl::OkStatus();
  // MySQL counts changed rows: 0 also when the data was already so. Tell that from a miss.
  absl::StatusOr<ParticipantRecord> existing = GetParticipant(draft_id, participant.id);
  return existing.ok() ? absl::OkStatus() : existing.status();
}

absl::Status MysqlRegistrationTransaction::DeleteParticipant(const std::string& draft_id,
                                                             const std::string& participant_id) {
  Statement remove = Prepare(conn_, "DELETE FROM draft_participants WHERE draft_id = ? AND id = ?");
  remove->setString(1, draft_id);
  remove->setString(2, participant_id);
  if (remove->executeUpdate() == 0) return absl::NotFoundError("participant not found");
  return absl::OkStatus();
}

absl::Status MysqlRegistrationTransaction::DeleteAllParticipants(const std::string& draft_id) {
  Statement remove = Prepare(conn_, "DELETE FROM draft_participants WHERE draft_id = ?");
  remove->setString(1, draft_id);
  remove->executeUpdate();
  return absl::OkStatus();
}

}  // namespace wse::registration

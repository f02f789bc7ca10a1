// MysqlRegistrationTransaction: the index of ACTIVE participants (one registration per
// participant, training and school year), kept by the primary key of active_participants.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "registration-svc/storage/mysql_store.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {

using mysql_internal::AllOrNothing;
using mysql_internal::ColumnText;
using mysql_internal::DuplicateAsStatus;
using mysql_internal::InsertRows;
using mysql_internal::kRowsPerStatement;
using mysql_internal::Placeholders;

absl::StatusOr<std::vector<ActiveConflict>> MysqlRegistrationTransaction::FindActiveConflicts(
    const std::string& odb_number, int school_year, const std::vector<std::string>& insz,
    const std::string& except_registration_id) {
  std::vector<ActiveConflict> conflicts;
  // IN lists of kRowsPerStatement INSZs: each a handful of primary-key lookups.
  for (size_t first = 0; first < insz.size(); first += kRowsPerStatement) {
    const size_t count = std::min(kRowsPerStatement, insz.size() - first);
    Statement select =
        Prepare(conn_, absl::StrCat("SELECT insz, registration_id FROM active_participants"
                                    " WHERE odb_number = ? AND school_year = ? AND insz IN (",
                                    Placeholders(count), ")"));
    select->setString(1, odb_number);
    select->setInt(2, school_year);
    for (size_t i = 0; i < count; ++i) {
      select->setString(static_cast<unsigned int>(3 + i), insz[first + i]);
    }
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    while (rows->next()) {
      ActiveConflict conflict;
      conflict.insz = ColumnText(*rows, 1);
      conflict.registration_id = ColumnText(*rows, 2);
      // Filtered here rather than in SQL, so the primary key is the only sensible plan.
      if (conflict.registration_id != except_registration_id) conflicts.push_back(conflict);
    }
  }
  // An INSZ given in two chunks is found twice; the answer names it once.
  std::sort(conflicts.begin(), conflicts.end(),
            [](const ActiveConflict& a, const ActiveConflict& b) {
              return std::tie(a.insz, a.registration_id) < std::tie(b.insz, b.registration_id);
            });
  conflicts.erase(std::unique(conflicts.begin(), conflicts.end(),
                              [](const ActiveConflict& a, const ActiveConflict& b) {
                                return a.insz == b.insz;
                              }),
                  conflicts.end());
  return conflicts;
}

absl::Status MysqlRegistrationTransaction::SetActiveParticipants(
    const std::string& registration_id, const std::string& odb_number, int school_year,
    const std::vector<std::string>& insz) {
  return AllOrNothing(conn_, [&]() -> absl::Status {
    // The check gives a clear answer without writing; the primary key still decides when a
    // concurrent transaction commits the same participant in between (1062 -> ALREADY_EXISTS).
    ASSIGN_OR_RETURN(auto conflicts,
                     FindActiveConflicts(odb_number, school_year, insz, registration_id));
    if (!conflicts.empty()) {
      // No INSZ in the message: statuses end up in logs.
      return absl::AlreadyExistsError(
          "a participant is already active in another registration of this training and school"
          " year");
    }
    Statement remove = Prepare(conn_, "DELETE FROM active_participants WHERE registration_id = ?");
    remove->setString(1, registration_id);
    remove->executeUpdate();
    InsertActive(registration_id, odb_number, school_year, insz);
    return absl::OkStatus();
  });
}

absl::Status MysqlRegistrationTransaction::AddActiveParticipants(
    const std::string& registration_id, const std::string& odb_number, int school_year,
    const std::vector<std::string>& insz) {
  auto insert = [&]() -> absl::Status {
    InsertActive(registration_id, odb_number, school_year, insz);
    return absl::OkStatus();
  };
  // One statement undoes itself when it fails; only several need the savepoint.
  if (insz.size() <= kRowsPerStatement) return DuplicateAsStatus(insert);
  return AllOrNothing(conn_, insert);
}

void MysqlRegistrationTransaction::InsertActive(const std::string& registration_id,
                                                const std::string& odb_number, int school_year,
                                                const std::vector<std::string>& insz) {
  InsertRows(
      conn_, "INSERT INTO active_participants (odb_number, school_year, insz, registration_id)", 4,
      "", insz.size(), [&](sql::PreparedStatement& statement, unsigned int first, size_t row) {
        statement.setString(first, odb_number);
        statement.setInt(first + 1, school_year);
        statement.setString(first + 2, insz[row]);
        statement.setString(first + 3, registration_id);
      });
}

}  // namespace wse::registration

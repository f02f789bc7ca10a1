// MysqlRegistrationTransaction: registrations (the head row) and their immutable versions with
// the participant lines and the receipt number.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "registration-svc/storage/mysql_store.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {
namespace {

using mysql_internal::BindLine;
using mysql_internal::BindRegistration;
using mysql_internal::BindVersion;
using mysql_internal::ColumnDouble;
using mysql_internal::ColumnText;
using mysql_internal::ColumnTime;
using mysql_internal::DuplicateAsStatus;
using mysql_internal::InputSelectList;
using mysql_internal::InsertRows;
using mysql_internal::kChanged;
using mysql_internal::kDataColumnCount;
using mysql_internal::kLineColumnCount;
using mysql_internal::kRegistrationColumnCount;
using mysql_internal::kRegistrationInsertColumns;
using mysql_internal::kVersionColumnCount;
using mysql_internal::kVersionInsertColumns;
using mysql_internal::LineColumnList;
using mysql_internal::Placeholders;
using mysql_internal::ReadInput;
using mysql_internal::SetTime;
using mysql_internal::StringListFromJson;

constexpr char kRegistrationSelect[] =
    "SELECT id, organization_id, odb_number, school_year, latest_version, "
    "withdrawn, " WSE_REGISTRATION_TIME("create_time") ", " WSE_REGISTRATION_TIME(
        "update_time") " FROM registrations";

// Every version column, qualified with `v` (ListRegistrations joins the head as `r`).
constexpr char kVersionColumns[] =
    "v.registration_id, v.organization_id, v.version, v.kind, v.odb_number, v.school_year,"
    " v.submitted_by, v.submitted_by_name, v.organization_name, v.training_title, "
    WSE_REGISTRATION_TIME("v.submit_time") ", v.receipt_number, v.content_sha256,"
    " v.content_format, v.withdraw_reason, v.participant_count, v.attendance_count,"
    " v.participation_count, v.total_hours_present, v.warning_count";

// The current row, in kRegistrationSelect's column order.
absl::StatusOr<RegistrationRecord> ReadRegistration(const sql::ResultSet& row) {
  RegistrationRecord registration;
  registration.id = ColumnText(row, 1);
  registration.organization_id = ColumnText(row, 2);
  registration.odb_number = ColumnText(row, 3);
  registration.school_year = row.getInt(4);
  registration.latest_version = row.getInt(5);
  registration.withdrawn = row.getBoolean(6);
  ASSIGN_OR_RETURN(auto created, ColumnTime(row, 7));
  registration.create_time = created;
  ASSIGN_OR_RETURN(auto updated, ColumnTime(row, 8));
  registration.update_time = updated;
  return registration;
}

// The current row, in kVersionColumns' order (participants not read).
absl::StatusOr<RegistrationVersionRecord> ReadVersion(const sql::ResultSet& row) {
  RegistrationVersionRecord version;
  version.registration_id = ColumnText(row, 1);
  version.organization_id = ColumnText(row, 2);
  version.version = row.getInt(3);
  version.kind = static_cast<ReceiptKind>(row.getInt(4));
  version.odb_number = ColumnText(row, 5);
  version.school_year = row.getInt(6);
  version.submitted_by = ColumnText(row, 7);
  version.submitted_by_name = ColumnText(row, 8);
  version.organization_name = ColumnText(row, 9);
  version.training_title = ColumnText(row, 10);
  ASSIGN_OR_RETURN(auto submitted, ColumnTime(row, 11));
  version.submit_time = submitted;
  version.receipt_number = row.getInt64(12);
  version.content_sha256 = ColumnText(row, 13);
  version.content_format = ColumnText(row, 14);
  version.withdraw_reason = ColumnText(row, 15);
  version.summary.participant_count = row.getInt(16);
  version.summary.attendance_count = row.getInt(17);
  version.summary.participation_count = row.getInt(18);
  version.summary.total_hours_present = ColumnDouble(row, 19);
  version.summary.warning_count = row.getInt(20);
  return version;
}

}  // namespace

absl::StatusOr<std::vector<RegisteredParticipant>>
MysqlRegistrationTransaction::VersionParticipants(const std::string& registration_id, int version) {
  Statement select =
      Prepare(conn_, absl::StrCat("SELECT ", InputSelectList(),
                                  ", warning_reasons, counted_hours FROM registration_participants"
                                  " WHERE registration_id = ? AND version = ? ORDER BY line"));
  select->setString(1, registration_id);
  select->setInt(2, version);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<RegisteredParticipant> participants;
  participants.reserve(rows->rowsCount());
  while (rows->next()) {
    RegisteredParticipant participant;
    absl::Status status = ReadInput(*rows, 1, participant.display_name, participant.input);
    if (!status.ok()) return status;
    ASSIGN_OR_RETURN(auto reasons, StringListFromJson(ColumnText(*rows, 2 + kDataColumnCount)));
    participant.warning_reasons = std::move(reasons);
    participant.counted_hours = ColumnDouble(*rows, 3 + kDataColumnCount);
    participants.push_back(std::move(participant));
  }
  return participants;
}

absl::Status MysqlRegistrationTransaction::FillParticipants(
    std::vector<RegistrationVersionRecord>& versions) {
  // One indexed range per version; a page is small.
  for (RegistrationVersionRecord& version : versions) {
    ASSIGN_OR_RETURN(auto participants,
                     VersionParticipants(version.registration_id, version.version));
    version.participants = std::move(participants);
  }
  return absl::OkStatus();
}

absl::Status MysqlRegistrationTransaction::InsertRegistration(
    const RegistrationRecord& registration) {
  return DuplicateAsStatus([&]() -> absl::Status {
    Statement insert =
        Prepare(conn_, absl::StrCat("INSERT INTO registrations (", kRegistrationInsertColumns,
                                    ") VALUES (", Placeholders(kRegistrationColumnCount), ")"));
    BindRegistration(*insert, 1, registration);
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<RegistrationRecord> MysqlRegistrationTransaction::GetRegistration(
    const std::string& organization_id, const std::string& id) {
  Statement select = Prepare(
      conn_, absl::StrCat(kRegistrationSelect, " WHERE organization_id = ? AND id = ? FOR UPDATE"));
  select->setString(1, organization_id);
  select->setString(2, id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("registration not found");
  return ReadRegistration(*rows);
}

absl::Status MysqlRegistrationTransaction::UpdateRegistration(
    const RegistrationRecord& registration) {
  Statement update =
      Prepare(conn_,
              "UPDATE registrations SET latest_version = ?, withdrawn = ?, update_time = ?"
              " WHERE organization_id = ? AND id = ? AND latest_version = ?");
  update->setInt(1, registration.latest_version);
  update->setBoolean(2, registration.withdrawn);
  SetTime(*update, 3, registration.update_time);
  update->setString(4, registration.organization_id);
  update->setString(5, registration.id);
  update->setInt(6, registration.latest_version - 1);
  // latest_version always changes, so a matched row is a changed row.
  if (update->executeUpdate() == 0) return absl::AbortedError(kChanged);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MysqlRegistrationTransaction::InsertVersion(
    const RegistrationVersionRecord& version) {
  int64_t receipt_number = 0;
  // Only the first INSERT can meet a duplicate key (the lines belong to a version that did not
  // exist), and a failing statement undoes itself: no savepoint needed.
  absl::Status status = DuplicateAsStatus([&]() -> absl::Status {
    Statement insert =
        Prepare(conn_, absl::StrCat("INSERT INTO registration_versions (", kVersionInsertColumns,
                                    ") VALUES (", Placeholders(kVersionColumnCount), ")"));
    BindVersion(*insert, 1, version);
    insert->executeUpdate();
    // The AUTO_INCREMENT value of this connection's last insert: the receipt number.
    std::unique_ptr<sql::Statement> last_id(conn_.createStatement());
    std::unique_ptr<sql::ResultSet> id(last_id->executeQuery("SELECT LAST_INSERT_ID()"));
    if (!id->next()) return absl::InternalError("no receipt number was assigned");
    receipt_number = id->getInt64(1);

    InsertRows(conn_,
               absl::StrCat("INSERT INTO registration_participants (", LineColumnList(), ")"),
               kLineColumnCount, "", version.participants.size(),
               [&](sql::PreparedStatement& statement, unsigned int first, size_t row) {
                 BindLine(statement, first, version, row);
               });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return receipt_number;
}

absl::StatusOr<RegistrationVersionRecord> MysqlRegistrationTransaction::GetVersion(
    const std::string& organization_id, const std::string& registration_id, int version,
    bool with_participants) {
  Statement select = Prepare(
      conn_,
      absl::StrCat("SELECT ", kVersionColumns,
                   " FROM registration_versions v"
                   " WHERE v.organization_id = ? AND v.registration_id = ? AND v.version = ?"));
  select->setString(1, organization_id);
  select->setString(2, registration_id);
  select->setInt(3, version);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("registration version not found");
  absl::StatusOr<RegistrationVersionRecord> found = ReadVersion(*rows);
  if (!found.ok() || !with_participants) return found;
  ASSIGN_OR_RETURN(auto participants, VersionParticipants(registration_id, version));
  found->participants = std::move(participants);
  return found;
}

absl::StatusOr<std::vector<RegistrationVersionRecord>>
MysqlRegistrationTransaction::ListRegistrations(const RegistrationFilter& filter, const Page& page,
                                                bool with_participants) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat("SELECT ", kVersionColumns,
                                   " FROM registrations r JOIN registration_versions v"
                                   " ON v.registration_id = r.id AND v.version = r.latest_version"
                                   " WHERE r.organization_id = ?");
  if (!page.after.empty()) absl::StrAppend(&query, " AND r.id < ?");
  if (!filter.odb_number.empty()) absl::StrAppend(&query, " AND r.odb_number = ?");
  if (filter.school_year != 0) absl::StrAppend(&query, " AND r.school_year = ?");
  if (!filter.include_withdrawn) absl::StrAppend(&query, " AND r.withdrawn = 0");
  if (!filter.insz.empty()) {
    // Only the latest version's lines count: a participant dropped by a correction no longer
    // finds the registration.
    absl::StrAppend(&query,
                    " AND EXISTS (SELECT 1 FROM registration_participants p"
                    " WHERE p.insz = ? AND p.registration_id = r.id"
                    " AND p.version = r.latest_version)");
  }
  absl::StrAppend(&query, " ORDER BY r.id DESC LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, filter.organization_id);
  if (!page.after.empty()) select->setString(index++, page.after);
  if (!filter.odb_number.empty()) select->setString(index++, filter.odb_number);
  if (filter.school_year != 0) select->setInt(index++, filter.school_year);
  if (!filter.insz.empty()) select->setString(index++, filter.insz);
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<RegistrationVersionRecord> versions;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto version, ReadVersion(*rows));
    versions.push_back(std::move(version));
  }
  if (with_participants) {
    RETURN_IF_ERROR(FillParticipants(versions));
  }
  return versions;
}

absl::StatusOr<std::vector<RegistrationVersionRecord>> MysqlRegistrationTransaction::ListVersions(
    const std::string& organization_id, const std::string& registration_id, const Page& page,
    bool with_participants) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  int before = 0;
  if (!page.after.empty() && !absl::SimpleAtoi(page.after, &before)) {
    return absl::InvalidArgumentError("page token of versions must be a version number");
  }
  std::string query = absl::StrCat("SELECT ", kVersionColumns,
                                   " FROM registration_versions v"
                                   " WHERE v.organization_id = ? AND v.registration_id = ?");
  if (!page.after.empty()) absl::StrAppend(&query, " AND v.version < ?");
  absl::StrAppend(&query, " ORDER BY v.version DESC LIMIT ?");
  Statement select = Prepare(conn_, query);
  unsigned int index = 1;
  select->setString(index++, organization_id);
  select->setString(index++, registration_id);
  if (!page.after.empty()) select->setInt(index++, before);
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<RegistrationVersionRecord> versions;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto version, ReadVersion(*rows));
    versions.push_back(std::move(version));
  }
  if (with_participants) {
    RETURN_IF_ERROR(FillParticipants(versions));
  }
  return versions;
}

}  // namespace wse::registration

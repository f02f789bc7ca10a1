// The column lists and binders of the rows a confirmation writes (registrations, versions and
// their participant lines), shared by the one-item writes and the confirm writer's multi-row ones.

#include <string>

#include "absl/strings/str_cat.h"
#include "cppconn/prepared_statement.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration::mysql_internal {

const char kRegistrationInsertColumns[] =
    "id, organization_id, odb_number, school_year, latest_version, withdrawn, create_time,"
    " update_time";

void BindRegistration(sql::PreparedStatement& statement, unsigned int first,
                      const RegistrationRecord& registration) {
  statement.setString(first, registration.id);
  statement.setString(first + 1, registration.organization_id);
  statement.setString(first + 2, registration.odb_number);
  statement.setInt(first + 3, registration.school_year);
  statement.setInt(first + 4, registration.latest_version);
  statement.setBoolean(first + 5, registration.withdrawn);
  SetTime(statement, first + 6, registration.create_time);
  SetTime(statement, first + 7, registration.update_time);
}

const char kVersionInsertColumns[] =
    "registration_id, version, organization_id, kind, odb_number, school_year, submitted_by,"
    " submitted_by_name, organization_name, training_title, submit_time, content_sha256,"
    " content_format, withdraw_reason, participant_count, attendance_count, participation_count,"
    " total_hours_present, warning_count";

void BindVersion(sql::PreparedStatement& statement, unsigned int first,
                 const RegistrationVersionRecord& version) {
  statement.setString(first, version.registration_id);
  statement.setInt(first + 1, version.version);
  statement.setString(first + 2, version.organization_id);
  statement.setInt(first + 3, static_cast<int>(version.kind));
  statement.setString(first + 4, version.odb_number);
  statement.setInt(first + 5, version.school_year);
  statement.setString(first + 6, version.submitted_by);
  statement.setString(first + 7, version.submitted_by_name);
  statement.setString(first + 8, version.organization_name);
  statement.setString(first + 9, version.training_title);
  SetTime(statement, first + 10, version.submit_time);
  statement.setString(first + 11, version.content_sha256);
  statement.setString(first + 12, version.content_format);
  statement.setString(first + 13, version.withdraw_reason);
  statement.setInt(first + 14, version.summary.participant_count);
  statement.setInt(first + 15, version.summary.attendance_count);
  statement.setInt(first + 16, version.summary.participation_count);
  statement.setDouble(first + 17, version.summary.total_hours_present);
  statement.setInt(first + 18, version.summary.warning_count);
}

const std::string& LineColumnList() {
  static const std::string* const kList =
      new std::string(absl::StrCat("registration_id, version, line, insz, ", DataColumnList(),
                                   ", warning_reasons, counted_hours"));
  return *kList;
}

void BindLine(sql::PreparedStatement& statement, unsigned int first,
              const RegistrationVersionRecord& version, size_t line) {
  const RegisteredParticipant& participant = version.participants[line];
  statement.setString(first, version.registration_id);
  statement.setInt(first + 1, version.version);
  statement.setInt(first + 2, static_cast<int>(line) + 1);
  statement.setString(first + 3, participant.input.insz);
  BindData(statement, first + 4, participant.display_name, participant.input);
  statement.setString(first + 4 + kDataColumnCount, StringListToJson(participant.warning_reasons));
  statement.setDouble(first + 5 + kDataColumnCount, participant.counted_hours);
}

}  // namespace wse::registration::mysql_internal

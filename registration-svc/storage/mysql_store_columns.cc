// Column binding and reading for the value types of model.h: dates, optional booleans, hours,
// string lists (JSON) and a participant's data.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "nlohmann/json.hpp"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration::mysql_internal {
namespace {

// ParticipantInput::measurement as stored in the `measurement` column.
enum MeasurementKind { kNone = 0, kAttendance = 1, kParticipation = 2 };

}  // namespace

void SetDate(sql::PreparedStatement& statement, unsigned int index,
             const std::optional<Date>& date) {
  if (date.has_value()) {
    statement.setString(index, FormatDate(*date));
  } else {
    statement.setNull(index, sql::DataType::DATE);
  }
}

absl::StatusOr<std::optional<Date>> ColumnDate(const sql::ResultSet& row, uint32_t index) {
  if (row.isNull(index)) return std::optional<Date>();
  const std::string text = ColumnText(row, index);
  const absl::string_view view(text);
  Date date;
  if (view.size() != 10 || view[4] != '-' || view[7] != '-' ||
      !absl::SimpleAtoi(view.substr(0, 4), &date.year) ||
      !absl::SimpleAtoi(view.substr(5, 2), &date.month) ||
      !absl::SimpleAtoi(view.substr(8, 2), &date.day)) {
    return absl::InternalError(absl::StrCat("unexpected DATE text '", text, "'"));
  }
  return std::optional<Date>(date);
}

void SetOptionalBool(sql::PreparedStatement& statement, unsigned int index,
                     const std::optional<bool>& value) {
  if (value.has_value()) {
    statement.setBoolean(index, *value);
  } else {
    statement.setNull(index, sql::DataType::TINYINT);
  }
}

std::optional<bool> ColumnOptionalBool(const sql::ResultSet& row, uint32_t index) {
  if (row.isNull(index)) return std::nullopt;
  return row.getBoolean(index);
}

double ColumnDouble(const sql::ResultSet& row, uint32_t index) {
  // The prepared (binary) protocol hands over the stored IEEE double; the long double the
  // driver returns holds it exactly.
  return static_cast<double>(row.getDouble(index));
}

std::string StringListToJson(const std::vector<std::string>& values) {
  // Invalid UTF-8 is replaced rather than thrown on: a list is data, not a reason to fail.
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<std::vector<std::string>> StringListFromJson(const std::string& text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return absl::InternalError("a stored list is not a JSON array");
  std::vector<std::string> values;
  values.reserve(json.size());
  for (const nlohmann::json& value : json) {
    if (!value.is_string()) return absl::InternalError("a stored list holds a non-string");
    values.push_back(value.get<std::string>());
  }
  return values;
}

const char* const kDataColumns[kDataColumnCount] = {"display_name",
                                                    "measurement",
                                                    "hours_present",
                                                    "contact_hours_to_follow",
                                                    "unjustified_absence_hours",
                                                    "participated",
                                                    "completed_module_codes",
                                                    "final_assessment",
                                                    "route_completed",
                                                    "exam_contract",
                                                    "actual_end_date"};

const std::string& DataColumnList() {
  static const std::string* const kList = new std::string(absl::StrJoin(kDataColumns, ", "));
  return *kList;
}

const std::string& DataColumnAssignments() {
  static const std::string* const kList =
      new std::string(absl::StrJoin(kDataColumns, ", ", [](std::string* out, const char* column) {
        absl::StrAppend(out, column, " = ?");
      }));
  return *kList;
}

const std::string& DataColumnUpserts() {
  static const std::string* const kList =
      new std::string(absl::StrJoin(kDataColumns, ", ", [](std::string* out, const char* column) {
        absl::StrAppend(out, column, " = VALUES(", column, ")");
      }));
  return *kList;
}

const std::string& InputSelectList() {
  // DataColumnList() with the DATE column (the last) read as text.
  static const std::string* const kList = new std::string(
      absl::StrCat("insz, ", absl::StrJoin(kDataColumns, kDataColumns + kDataColumnCount - 1, ", "),
                   ", " WSE_REGISTRATION_DATE("actual_end_date")));
  return *kList;
}

void BindData(sql::PreparedStatement& statement, unsigned int first_index,
              const std::string& display_name, const ParticipantInput& input) {
  unsigned int index = first_index;
  statement.setString(index++, display_name);
  // Unused measurement columns hold zeros, so every row has the same shape.
  MeasurementKind kind = kNone;
  AttendanceInput attendance;
  ParticipationInput participation;
  if (const auto* given = std::get_if<AttendanceInput>(&input.measurement)) {
    kind = kAttendance;
    attendance = *given;
  } else if (const auto* taken = std::get_if<ParticipationInput>(&input.measurement)) {
    kind = kParticipation;
    participation = *taken;
  }
  statement.setInt(index++, kind);
  statement.setDouble(index++, attendance.hours_present);
  statement.setDouble(index++, attendance.contact_hours_to_follow);
  statement.setDouble(index++, attendance.unjustified_absence_hours);
  statement.setBoolean(index++, participation.participated);
  statement.setString(index++, StringListToJson(participation.completed_module_codes));
  statement.setInt(index++, static_cast<int>(input.final_assessment));
  SetOptionalBool(statement, index++, input.route_completed);
  SetOptionalBool(statement, index++, input.exam_contract);
  SetDate(statement, index, input.actual_end_date);
}

absl::Status ReadInput(const sql::ResultSet& row, uint32_t first_column, std::string& display_name,
                       ParticipantInput& input) {
  uint32_t column = first_column;
  input.insz = ColumnText(row, column++);
  display_name = ColumnText(row, column++);
  const int kind = row.getInt(column++);
  const double hours_present = ColumnDouble(row, column++);
  const double contact_hours = ColumnDouble(row, column++);
  const double absence_hours = ColumnDouble(row, column++);
  const bool participated = row.getBoolean(column++);
  const std::string module_codes = ColumnText(row, column++);
  if (kind == kAttendance) {
    AttendanceInput attendance;
    attendance.hours_present = hours_present;
    attendance.contact_hours_to_follow = contact_hours;
    attendance.unjustified_absence_hours = absence_hours;
    input.measurement = attendance;
  } else if (kind == kParticipation) {
    ParticipationInput participation;
    participation.participated = participated;
    ASSIGN_OR_RETURN(auto codes, StringListFromJson(module_codes));
    participation.completed_module_codes = std::move(codes);
    input.measurement = std::move(participation);
  } else {
    input.measurement = std::monostate();
  }
  input.final_assessment = static_cast<FinalAssessment>(row.getInt(column++));
  input.route_completed = ColumnOptionalBool(row, column++);
  input.exam_contract = ColumnOptionalBool(row, column++);
  ASSIGN_OR_RETURN(auto end_date, ColumnDate(row, column));
  input.actual_end_date = end_date;
  return absl::OkStatus();
}

}  // namespace wse::registration::mysql_internal

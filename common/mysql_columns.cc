#include "common/mysql_columns.h"

#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace wse {

void SetStringOrNull(sql::PreparedStatement& statement, unsigned int index,
                     const std::string& value) {
  if (value.empty()) {
    statement.setNull(index, sql::DataType::VARCHAR);
  } else {
    statement.setString(index, value);
  }
}

void SetTime(sql::PreparedStatement& statement, unsigned int index, absl::Time time) {
  statement.setString(index, TimeToDb(time));
}

void SetOptionalTime(sql::PreparedStatement& statement, unsigned int index,
                     const std::optional<absl::Time>& time) {
  if (time.has_value()) {
    statement.setString(index, TimeToDb(*time));
  } else {
    statement.setNull(index, sql::DataType::TIMESTAMP);
  }
}

std::string ColumnText(const sql::ResultSet& row, uint32_t index) {
  if (row.isNull(index)) return std::string();
  return row.getString(index).asStdString();
}

absl::StatusOr<absl::Time> ColumnTime(const sql::ResultSet& row, uint32_t index) {
  if (row.isNull(index)) return absl::InternalError("unexpected NULL time column");
  return TimeFromDb(ColumnText(row, index));
}

absl::StatusOr<std::optional<absl::Time>> ColumnOptionalTime(const sql::ResultSet& row,
                                                             uint32_t index) {
  if (row.isNull(index)) return std::optional<absl::Time>();
  ASSIGN_OR_RETURN(auto time, TimeFromDb(ColumnText(row, index)));
  return std::optional<absl::Time>(time);
}

}  // namespace wse

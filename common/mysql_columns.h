#pragma once
// Binding and reading column values with Connector/C++ the same way in every repository:
// empty optional text is NULL, NULL reads as "", times travel as UTC text (mysql_time.h).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sql {
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace wse {

// Binds `value` to parameter `index`, or NULL when it is empty (optional VARCHAR columns).
void SetStringOrNull(sql::PreparedStatement& statement, unsigned int index,
                     const std::string& value);
void SetTime(sql::PreparedStatement& statement, unsigned int index, absl::Time time);
void SetOptionalTime(sql::PreparedStatement& statement, unsigned int index,
                     const std::optional<absl::Time>& time);

// Column `index` of the current row as text; NULL reads as "".
std::string ColumnText(const sql::ResultSet& row, uint32_t index);
// A time column selected as DATE_FORMAT(col, '%Y-%m-%d %H:%i:%s.%f'); NULL is INTERNAL.
absl::StatusOr<absl::Time> ColumnTime(const sql::ResultSet& row, uint32_t index);
absl::StatusOr<std::optional<absl::Time>> ColumnOptionalTime(const sql::ResultSet& row,
                                                             uint32_t index);

}  // namespace wse

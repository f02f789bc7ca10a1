#pragma once
// Helpers shared by the mysql_store*.cc files: column binding and reading for the types of
// model.h, the all-or-nothing wrapper for multi-statement writes and the chunked multi-row
// INSERT. Not for other code.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql_columns.h"
#include "registration-svc/domain/date.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace wse::registration::mysql_internal {

using wse::ColumnText;
using wse::ColumnTime;
using wse::SetStringOrNull;
using wse::SetTime;

// Selects a DATETIME(6) column as text with all six fraction digits (common/mysql_time.h).
#define WSE_REGISTRATION_TIME(column) "DATE_FORMAT(" column ", '%Y-%m-%d %H:%i:%s.%f')"
// Selects a DATE column as 'YYYY-MM-DD' (NULL stays NULL).
#define WSE_REGISTRATION_DATE(column) "DATE_FORMAT(" column ", '%Y-%m-%d')"

// Rows per multi-row INSERT: 500 rows of ~15 parameters stay far below the protocol's 65535
// placeholders and the server's max_allowed_packet, and make a 10,000-row upload 20 statements.
inline constexpr size_t kRowsPerStatement = 500;

inline constexpr char kChanged[] = "the resource was changed meanwhile; reload and retry";

// Runs one write. A duplicate key (MySQL 1062) undoes only that statement, so it is returned as
// ALREADY_EXISTS for the body to act on; any other SQL error ends the transaction and is thrown
// on to wse::InTransaction (which retries deadlocks and discards lost connections).
absl::Status DuplicateAsStatus(const std::function<absl::Status()>& write);

// Runs `writes` (several statements) inside a savepoint: when it fails with a status (a duplicate
// key in any statement included) everything it wrote is rolled back and the status returned, so
// a bulk write changes all or nothing while the transaction stays usable. SQL errors other than
// 1062 are thrown on, as by DuplicateAsStatus.
absl::Status AllOrNothing(sql::Connection& conn, const std::function<absl::Status()>& writes);

// Binds the parameters of one row, the first at `first_index`; `row` is the index of the row.
using RowBinder =
    std::function<void(sql::PreparedStatement& statement, unsigned int first_index, size_t row)>;

// Inserts `row_count` rows with multi-row statements of kRowsPerStatement rows:
// `head` VALUES (`params_per_row` placeholders), (...) ... `tail`. `tail` may be "" or an
// "ON DUPLICATE KEY UPDATE ..." clause. Throws sql::SQLException like any statement.
void InsertRows(sql::Connection& conn, const std::string& head, int params_per_row,
                const std::string& tail, size_t row_count, const RowBinder& bind);

// "?, ?, ?" with `count` placeholders.
std::string Placeholders(size_t count);

// DATE columns.
void SetDate(sql::PreparedStatement& statement, unsigned int index,
             const std::optional<Date>& date);
// A column selected with WSE_REGISTRATION_DATE; NULL is nullopt, malformed text INTERNAL.
absl::StatusOr<std::optional<Date>> ColumnDate(const sql::ResultSet& row, uint32_t index);

// Nullable TINYINT(1) columns.
void SetOptionalBool(sql::PreparedStatement& statement, unsigned int index,
                     const std::optional<bool>& value);
std::optional<bool> ColumnOptionalBool(const sql::ResultSet& row, uint32_t index);

double ColumnDouble(const sql::ResultSet& row, uint32_t index);

// Lists of strings as JSON arrays in TEXT columns.
std::string StringListToJson(const std::vector<std::string>& values);
absl::StatusOr<std::vector<std::string>> StringListFromJson(const std::string& text);

// A participant's data as stored in draft_participants and registration_participants: the
// `insz` column, then these kDataColumnCount columns in this order.
inline constexpr int kDataColumnCount = 11;
extern const char* const kDataColumns[kDataColumnCount];

// "a, b, c" of kDataColumns; "a = ?, b = ?" (UPDATE); "a = VALUES(a), ..." (ON DUPLICATE KEY).
const std::string& DataColumnList();
const std::string& DataColumnAssignments();
const std::string& DataColumnUpserts();
// The SELECT list "insz, <kDataColumns>" with the date column formatted (for ReadInput).
const std::string& InputSelectList();

// Binds kDataColumnCount parameters from `first_index` on (not the INSZ).
void BindData(sql::PreparedStatement& statement, unsigned int first_index,
              const std::string& display_name, const ParticipantInput& input);
// Reads the InputSelectList() columns starting at column `first_column`.
absl::Status ReadInput(const sql::ResultSet& row, uint32_t first_column, std::string& display_name,
                       ParticipantInput& input);

// The rows a confirmation writes (mysql_store_rows.cc): column lists in binding order and the
// binders of one row, its first parameter at `first`.
inline constexpr int kRegistrationColumnCount = 8;
extern const char kRegistrationInsertColumns[];
void BindRegistration(sql::PreparedStatement& statement, unsigned int first,
                      const RegistrationRecord& registration);
inline constexpr int kVersionColumnCount = 19;
extern const char kVersionInsertColumns[];
void BindVersion(sql::PreparedStatement& statement, unsigned int first,
                 const RegistrationVersionRecord& version);
// registration_participants: line `line` (0-based; stored 1-based) of `version`.
inline constexpr int kLineColumnCount = 6 + kDataColumnCount;
const std::string& LineColumnList();
void BindLine(sql::PreparedStatement& statement, unsigned int first,
              const RegistrationVersionRecord& version, size_t line);

// ListTrainings, shared by the store (outside a transaction).
absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(sql::Connection& conn,
                                                          const TrainingFilter& filter,
                                                          const Page& page);

}  // namespace wse::registration::mysql_internal

// Writes that span several statements: the duplicate-key mapping, the savepoint that makes a
// bulk write all-or-nothing, and the chunked multi-row INSERT.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_statements.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/statement.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration::mysql_internal {

absl::Status DuplicateAsStatus(const std::function<absl::Status()>& write) {
  try {
    return write();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == 1062) return absl::AlreadyExistsError("the resource already exists");
    throw;
  }
}

absl::Status AllOrNothing(sql::Connection& conn, const std::function<absl::Status()>& writes) {
  std::unique_ptr<sql::Statement> statement(conn.createStatement());
  statement->execute("SAVEPOINT wse_all_or_nothing");
  const absl::Status status = DuplicateAsStatus(writes);
  // A failing statement undoes only itself; the savepoint undoes the ones before it.
  statement->execute(status.ok() ? "RELEASE SAVEPOINT wse_all_or_nothing"
                                 : "ROLLBACK TO SAVEPOINT wse_all_or_nothing");
  return status;
}

std::string Placeholders(size_t count) {
  std::string text;
  text.reserve(count * 3);
  for (size_t i = 0; i < count; ++i) text.append(i == 0 ? "?" : ", ?");
  return text;
}

// Row counts up to this many get a cached statement each (a draft usually has a few rows).
constexpr size_t kCachedSmallRows = 8;

void InsertRows(sql::Connection& conn, const std::string& head, int params_per_row,
                const std::string& tail, size_t row_count, const RowBinder& bind) {
  const std::string group = absl::StrCat("(", Placeholders(params_per_row), ")");
  auto sql_for = [&](size_t rows) {
    std::string text = absl::StrCat(head, " VALUES ");
    text.reserve(text.size() + rows * (group.size() + 2) + tail.size() + 1);
    for (size_t i = 0; i < rows; ++i) {
      if (i > 0) text.append(", ");
      text.append(group);
    }
    if (!tail.empty()) absl::StrAppend(&text, " ", tail);
    return text;
  };
  // Every full chunk reuses one prepared statement; only the last, shorter one needs its own.
  // Full chunks and the few-row statements of everyday drafts stay in the connection's cache
  // (mysql_statements.h); odd sizes in between are prepared for this call only.
  std::optional<Statement> full;
  for (size_t first = 0; first < row_count; first += kRowsPerStatement) {
    const size_t rows = std::min(kRowsPerStatement, row_count - first);
    std::optional<Statement> cached_last;
    std::unique_ptr<sql::PreparedStatement> own_last;
    sql::PreparedStatement* statement = nullptr;
    if (rows == kRowsPerStatement) {
      if (!full) full.emplace(Prepare(conn, sql_for(rows)));
      statement = full->get();
    } else if (rows <= kCachedSmallRows) {
      cached_last.emplace(Prepare(conn, sql_for(rows)));
      statement = cached_last->get();
    } else {
      own_last.reset(conn.prepareStatement(sql_for(rows)));
      statement = own_last.get();
    }
    for (size_t i = 0; i < rows; ++i) {
      bind(*statement, static_cast<unsigned int>(1 + i * params_per_row), first + i);
    }
    statement->executeUpdate();
  }
}

}  // namespace wse::registration::mysql_internal

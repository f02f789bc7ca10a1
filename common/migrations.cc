#include "common/migrations.h"

#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/mysql_errors.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "openssl/sha.h"

namespace wse {
namespace {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  for (unsigned char byte : digest) absl::StrAppend(&hex, absl::Hex(byte, absl::kZeroPad2));
  return hex;
}

// component -> (version -> checksum)
using Applied = std::map<std::string, std::map<int, std::string>>;

Applied ReadApplied(sql::Connection& conn) {
  Applied applied;
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rows(
      stmt->executeQuery("SELECT component, version, checksum FROM schema_migrations"));
  while (rows->next()) {
    applied[rows->getString(1)][rows->getInt(2)] = rows->getString(3);
  }
  return applied;
}

absl::Status ApplyOne(sql::Connection& conn, const std::string& component, const Migration& m,
                      const std::string& checksum) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  for (const std::string& statement : SplitSqlStatements(m.sql)) {
    try {
      stmt->execute(statement);
    } catch (const sql::SQLException& e) {
      return absl::FailedPreconditionError(
          absl::StrCat("migration ", component, "/", m.name, " failed: ", e.what()));
    }
  }
  std::unique_ptr<sql::PreparedStatement> record(conn.prepareStatement(
      "INSERT INTO schema_migrations (component, version, name, checksum) VALUES (?, ?, ?, ?)"));
  record->setString(1, component);
  record->setInt(2, m.version);
  record->setString(3, m.name);
  record->setString(4, checksum);
  record->execute();
  LogInfo("migration applied", {{"component", component}, {"migration", m.name}});
  return absl::OkStatus();
}

absl::Status ApplyLocked(sql::Connection& conn, const std::vector<MigrationSet>& sets) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  stmt->execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " component VARCHAR(64) NOT NULL, version INT NOT NULL, name VARCHAR(255) NOT NULL,"
      " checksum CHAR(64) NOT NULL, applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
      " PRIMARY KEY (component, version)) ENGINE=InnoDB");
  Applied applied = ReadApplied(conn);
  for (const MigrationSet& set : sets) {
    for (const Migration& m : *set.migrations) {
      const std::string checksum = Sha256Hex(m.sql);
      auto& done = applied[set.component];
      if (auto it = done.find(m.version); it != done.end()) {
        if (it->second != checksum) {
          return absl::FailedPreconditionError(
              absl::StrCat("migration ", set.component, "/", m.name,
                           " was changed after it was applied (checksum differs); add a new "
                           "migration instead of editing an applied one"));
        }
        continue;
      }
      RETURN_IF_ERROR(ApplyOne(conn, set.component, m, checksum));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      current.erase(current.find_last_of(';'));
      statements.push_back(std::string(absl::StripAsciiWhitespace(current)));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.push_back(std::string(absl::StripAsciiWhitespace(current)));
  }
  return statements;
}

absl::Status ApplyMigrations(MysqlPool& pool, const std::vector<MigrationSet>& sets) {
  return WithConnection(pool, [&sets](sql::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    // Replicas starting together wait for each other instead of racing on DDL.
    std::unique_ptr<sql::ResultSet> lock(
        stmt->executeQuery("SELECT GET_LOCK(CONCAT('wse_migrate_', DATABASE()), 60)"));
    if (!lock->next() || lock->getInt(1) != 1) {
      return absl::UnavailableError("timed out waiting for another replica's migrations");
    }
    absl::Status status = ApplyLocked(conn, sets);
    stmt->execute("DO RELEASE_LOCK(CONCAT('wse_migrate_', DATABASE()))");
    return status;
  });
}

}  // namespace wse

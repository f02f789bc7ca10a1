#pragma once
// Versioned schema migrations, applied at start-up.
//
// A service ships its migrations inside its binary (cmake/WseEmbed.cmake). Each component (the
// service's own tables, the shared outbox, ...) has its own version sequence; applied versions
// are recorded in `schema_migrations` with a checksum. Applying is idempotent and serialised
// across replicas with GET_LOCK. A migration whose recorded checksum differs from the shipped
// one, or whose SQL fails, stops the service with a message naming the file.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"

namespace wse {

struct Migration {
  int version;
  std::string name;  // File name without extension, e.g. "0001_init".
  std::string sql;   // Statements separated by ';' at the end of a line.
};

struct MigrationSet {
  std::string component;  // e.g. "rights", "outbox".
  const std::vector<Migration>* migrations;
};

// Defined by each service binary (generated from its migrations/ folder).
const std::vector<Migration>& EmbeddedMigrations();

// Splits a migration into statements: ';' ending a line ends a statement; lines starting with
// "--" are comments.
std::vector<std::string> SplitSqlStatements(absl::string_view sql);

absl::Status ApplyMigrations(MysqlPool& pool, const std::vector<MigrationSet>& sets);

}  // namespace wse

#include "identity-svc/storage/mysql_audit.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace wse::identity {

absl::Status InsertAudit(sql::Connection& transaction, const AuditEntry& entry) {
  Statement insert =
      Prepare(transaction,
              "INSERT INTO audit_events (actor, session_id, key_type, action, target, details)"
              " VALUES (?, ?, ?, ?, ?, ?)");
  insert->setString(1, entry.actor);
  SetStringOrNull(*insert, 2, entry.session_id);
  SetStringOrNull(*insert, 3, entry.key_type);
  insert->setString(4, entry.action);
  SetStringOrNull(*insert, 5, entry.target);
  SetStringOrNull(*insert, 6, entry.details);
  insert->executeUpdate();
  return absl::OkStatus();
}

absl::Status InsertAudits(sql::Connection& transaction, const std::vector<AuditEntry>& entries) {
  for (const Chunk& chunk : PowerOfTwoChunks(entries.size())) {
    Statement insert = Prepare(
        transaction,
        absl::StrCat("INSERT INTO audit_events (actor, session_id, key_type, action, target,"
                     " details) VALUES ",
                     RowPlaceholders(chunk.size, 6)));
    int column = 1;
    for (size_t i = chunk.offset; i < chunk.offset + chunk.size; ++i) {
      const AuditEntry& entry = entries[i];
      insert->setString(column++, entry.actor);
      SetStringOrNull(*insert, column++, entry.session_id);
      SetStringOrNull(*insert, column++, entry.key_type);
      insert->setString(column++, entry.action);
      SetStringOrNull(*insert, column++, entry.target);
      SetStringOrNull(*insert, column++, entry.details);
    }
    insert->executeUpdate();
  }
  return absl::OkStatus();
}

}  // namespace wse::identity

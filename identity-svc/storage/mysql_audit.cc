#include "identity-svc/storage/mysql_audit.h"

#include <memory>

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

}  // namespace wse::identity

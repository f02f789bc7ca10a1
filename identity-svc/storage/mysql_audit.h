#pragma once
// Writing identity-svc's audit trail, plus the two column helpers the MySQL repositories share.
// InsertAudit runs on the caller's connection so that the audit row commits or rolls back with
// the change it describes.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/mysql_columns.h"
#include "identity-svc/domain/model.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace wse::identity {

// Inserts `entry` into audit_events (event_time: the database clock). Empty optional fields are
// stored as NULL. Call inside the transaction of the change (wse::InTransaction).
absl::Status InsertAudit(sql::Connection& transaction, const AuditEntry& entry);
// The same for many events, in multi-row inserts (common/mysql_batch.h).
absl::Status InsertAudits(sql::Connection& transaction, const std::vector<AuditEntry>& entries);

using wse::ColumnText;
using wse::SetStringOrNull;

}  // namespace wse::identity

#pragma once
// Column helpers and row readers shared by the mysql_store*.cc files. Not for other code.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_columns.h"
#include "rights-svc/domain/model.h"

namespace sql {
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace wse::rights::mysql_internal {

using wse::ColumnOptionalTime;
using wse::ColumnText;
using wse::ColumnTime;
using wse::SetOptionalTime;
using wse::SetStringOrNull;
using wse::SetTime;

// Selects a TIMESTAMP(6) column as text with all six fraction digits (common/mysql_time.h).
#define WSE_RIGHTS_TIME(column) "DATE_FORMAT(" column ", '%Y-%m-%d %H:%i:%s.%f')"

// Column lists of the row readers below, in their order.
inline constexpr char kGrantColumns[] =
    "id, organization_id, person_id, role, context, " WSE_RIGHTS_TIME("valid_from") ", "
    WSE_RIGHTS_TIME("valid_until") ", granted_by, access_request_id, revoked_by, revoke_reason, "
    WSE_RIGHTS_TIME("revoke_time") ", " WSE_RIGHTS_TIME("create_time") ", "
    WSE_RIGHTS_TIME("update_time") ", version";

inline constexpr char kAuditColumns[] =
    "organization_id, sequence, " WSE_RIGHTS_TIME("event_time") ", actor, actor_key_type, action,"
    " subject, target, reason, details, prev_hash, hash";

// Runs one write. A duplicate key (MySQL 1062) undoes only that statement, so it is returned as
// ALREADY_EXISTS for the body to act on; any other SQL error ends the transaction and is thrown
// on to wse::InTransaction (which retries deadlocks and discards lost connections).
absl::Status DuplicateAsStatus(const std::function<absl::Status()>& write);

// The current row, in kGrantColumns' / kAuditColumns' order.
absl::StatusOr<GrantRecord> ReadGrant(const sql::ResultSet& row);
absl::StatusOr<AuditRecord> ReadAudit(const sql::ResultSet& row);

}  // namespace wse::rights::mysql_internal

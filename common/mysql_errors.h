#pragma once
// The one mapping from MySQL/MariaDB errors to absl::Status codes (their retry meaning):
//   1062 duplicate key              -> ALREADY_EXISTS
//   1213 deadlock, 1205 lock wait   -> ABORTED      (retry the transaction)
//   2002/2003/2006/2013/2055, 1040  -> UNAVAILABLE  (retry the call)
//   anything else                   -> INTERNAL     (logged, not shown)

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sql {
class SQLException;
}  // namespace sql

namespace wse {

absl::StatusCode MysqlErrorCode(int mysql_error);
absl::Status MysqlErrorToStatus(int mysql_error, absl::string_view message);
absl::Status FromSqlException(const sql::SQLException& e);
// True when the connection that raised the error is unusable afterwards.
bool IsConnectionLost(int mysql_error);

}  // namespace wse

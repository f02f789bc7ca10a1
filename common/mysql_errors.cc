#include "common/mysql_errors.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "cppconn/exception.h"

namespace wse {

bool IsConnectionLost(int mysql_error) {
  switch (mysql_error) {
    case 2002:  // Can't connect through socket.
    case 2003:  // Can't connect to server.
    case 2006:  // Server has gone away.
    case 2013:  // Lost connection during query.
    case 2055:  // Lost connection (system error).
      return true;
    default:
      return false;
  }
}

absl::StatusCode MysqlErrorCode(int mysql_error) {
  if (IsConnectionLost(mysql_error) || mysql_error == 1040 /* too many connections */) {
    return absl::StatusCode::kUnavailable;
  }
  switch (mysql_error) {
    case 1062:
      return absl::StatusCode::kAlreadyExists;
    case 1205:
    case 1213:
      return absl::StatusCode::kAborted;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status MysqlErrorToStatus(int mysql_error, absl::string_view message) {
  const absl::StatusCode code = MysqlErrorCode(mysql_error);
  if (code == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError("the database is unavailable; retry later");
  }
  if (code == absl::StatusCode::kAborted) {
    return absl::AbortedError("concurrent update; retry the operation");
  }
  if (code == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError("the resource already exists");
  }
  return absl::Status(code, absl::StrCat("mysql error ", mysql_error, ": ", message));
}

absl::Status FromSqlException(const sql::SQLException& e) {
  return MysqlErrorToStatus(e.getErrorCode(), e.what());
}

}  // namespace wse

#pragma once
// absl::Time <-> the text of TIMESTAMP(6) columns. The pool's sessions run with time_zone
// '+00:00' (common/mysql_pool.cc), so the text is UTC and the server converts nothing.
//
// Reading: select a column as DATE_FORMAT(col, '%Y-%m-%d %H:%i:%s.%f') so that the six fraction
// digits arrive as plain text, whatever the driver's own rendering of temporal values.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wse {

// 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; below a microsecond is truncated, as the column would.
std::string TimeToDb(absl::Time time);

// Parses what TimeToDb writes (the fraction may be absent). INTERNAL if it is not such a text.
absl::StatusOr<absl::Time> TimeFromDb(absl::string_view text);

}  // namespace wse

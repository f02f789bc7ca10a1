#include "common/mysql_time.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wse {
namespace {

constexpr absl::string_view kWriteFormat = "%Y-%m-%d %H:%M:%E6S";
constexpr absl::string_view kReadFormat = "%Y-%m-%d %H:%M:%E*S";

}  // namespace

std::string TimeToDb(absl::Time time) {
  return absl::FormatTime(kWriteFormat, time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> TimeFromDb(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(kReadFormat, text, absl::UTCTimeZone(), &time, &error)) {
    // A schema or query bug, not bad input: callers see a plain INTERNAL.
    return absl::InternalError(absl::StrCat("unreadable TIMESTAMP value '", text, "': ", error));
  }
  return time;
}

}  // namespace wse

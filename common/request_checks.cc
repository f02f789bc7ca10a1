#include "common/request_checks.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse {

absl::StatusOr<int> PageSize(int32_t requested) {
  if (requested < 0) return InvalidArgument({{"page_size", "must not be negative"}});
  return requested == 0 ? kDefaultPageSize : std::min<int>(requested, kMaxPageSize);
}

absl::StatusOr<KeysetPage> KeysetPageFrom(int32_t page_size, const std::string& page_token) {
  KeysetPage page;
  ASSIGN_OR_RETURN(page.size, PageSize(page_size));
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(page.after, IdFromName(absl::StrCat("t/", page_token), "t", "page_token"));
  }
  return page;
}

absl::Status CheckRequestId(absl::string_view request_id) {
  if (request_id.empty() || request_id.size() > 64) {
    return InvalidArgument({{"request_id", "is required (a UUID, at most 64 characters)"}});
  }
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return InvalidArgument({{"request_id", "may hold only letters, digits and '-'"}});
    }
  }
  return absl::OkStatus();
}

}  // namespace wse

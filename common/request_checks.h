#pragma once
// The checks every service applies to the same request fields, written once: page_size and
// keyset page tokens of list calls, and the request_id that makes a create idempotent. Each
// failure is INVALID_ARGUMENT with a field violation on the field itself.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 0 asks for the default; more than the maximum gets the maximum; negative is an error.
absl::StatusOr<int> PageSize(int32_t requested);

// A keyset page: its size and the last id of the previous page ("" for the first page).
struct KeysetPage {
  int size = kDefaultPageSize;
  std::string after;
};

// page_token is the id the previous page ended with (the character set of resource ids).
absl::StatusOr<KeysetPage> KeysetPageFrom(int32_t page_size, const std::string& page_token);

// request_id of idempotent creates: required, 1-64 letters, digits and '-' (a UUID fits).
absl::Status CheckRequestId(absl::string_view request_id);

}  // namespace wse

#pragma once
// Resource names "collection/{id}" (AIP-122) with the suite's opaque ids (1-64 characters of
// [A-Za-z0-9_-]); a malformed name is INVALID_ARGUMENT on the given field.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse {

absl::StatusOr<std::string> IdFromName(absl::string_view name, absl::string_view collection,
                                       absl::string_view field);

}  // namespace wse

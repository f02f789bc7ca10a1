#include "common/resource_name.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wse {

absl::StatusOr<std::string> IdFromName(absl::string_view name, absl::string_view collection,
                                       absl::string_view field) {
  const std::string prefix = absl::StrCat(collection, "/");
  absl::string_view id = name;
  bool ok = absl::StartsWith(id, prefix);
  if (ok) id.remove_prefix(prefix.size());
  ok = ok && !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  }
  if (!ok) {
    return InvalidArgument(
        {{std::string(field), absl::StrCat("must be a resource name like ", prefix, "{id}")}});
  }
  return std::string(id);
}

}  // namespace wse

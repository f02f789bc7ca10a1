#include "registration-svc/domain/model.h"

#include <random>

#include "absl/strings/str_format.h"

namespace wse::registration {

std::string NewRecordId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t micros = absl::ToUnixMicros(absl::Now());
  // 14 hex digits of microseconds last until the year 4253; the random tail (72 bits) keeps ids
  // made in the same microsecond apart.
  return absl::StrFormat("%014x%02x%016x", static_cast<uint64_t>(micros), rng() & 0xff, rng());
}

}  // namespace wse::registration

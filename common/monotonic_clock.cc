#include "common/monotonic_clock.h"

#include <chrono>

namespace wse {

absl::Time MonotonicNow() {
  return absl::UnixEpoch() + absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace wse

#pragma once
// A clock for measuring how long something took or may still take (leases, claims): elapsed time
// since an arbitrary start (std::chrono::steady_clock), as an absl::Time so it subtracts and
// compares like one. It never jumps, unlike absl::Now(); only differences between its readings
// mean anything.

#include "absl/time/time.h"

namespace wse {

absl::Time MonotonicNow();

}  // namespace wse

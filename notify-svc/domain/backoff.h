#pragma once
// Retry delays: exponential backoff with "equal jitter". The delay after the n-th failed
// attempt is d = min(max, initial * 2^(n-1)), spread uniformly over [d/2, d], so retries of many
// messages failing together (an SMTP outage) do not come back in lockstep, and yet each waits
// at least half the nominal delay.

#include "absl/time/time.h"

namespace wse::notify {

struct BackoffPolicy {
  absl::Duration initial = absl::Seconds(5);
  absl::Duration max = absl::Minutes(30);
};

// `failed_attempts` >= 1; `unit_random` in [0, 1) (the jitter; injected for tests).
absl::Duration BackoffDelay(const BackoffPolicy& policy, int failed_attempts, double unit_random);

// A uniformly random number in [0, 1) from a per-thread generator.
double UnitRandom();

}  // namespace wse::notify

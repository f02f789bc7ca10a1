#include "notify-svc/domain/backoff.h"

#include <algorithm>
#include <random>

namespace wse::notify {

absl::Duration BackoffDelay(const BackoffPolicy& policy, int failed_attempts, double unit_random) {
  const int doublings = std::clamp(failed_attempts - 1, 0, 30);
  absl::Duration nominal = policy.initial;
  for (int i = 0; i < doublings && nominal < policy.max; ++i) nominal *= 2;
  nominal = std::min(nominal, policy.max);
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  return nominal / 2 + (nominal / 2) * unit_random;
}

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace wse::notify
